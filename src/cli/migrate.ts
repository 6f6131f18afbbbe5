import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openStore } from '../store/open-store.ts';

/** `linkplane migrate`: applies pending schema migrations and exits (opening a store migrates it). */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .option('--db <location>', 'SQLite file or postgres:// URL (LINKPLANE_DB)')
    .action(async (flags: { db?: string }) => {
      const config = loadConfig(flags);
      const store = await openStore(config.db, { poolSize: 1, sqliteSynchronous: config.sqliteSynchronous });
      await store.close();
      process.stdout.write(`migrations applied (${store.kind})\n`);
    });
}
