import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createLinkplane } from '../linkplane.ts';

/** `linkplane serve`: the API and the reconciler in one process; stops gracefully on SIGTERM/SIGINT. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve', { isDefault: true })
    .description('serve the Atlas API (and reconcile) on HTTP')
    .option('--host <host>', 'address to listen on (LINKPLANE_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (LINKPLANE_PORT, default 8080)')
    .option('--db <location>', 'SQLite file or postgres:// URL (LINKPLANE_DB, default ./data/linkplane.db)')
    .action(async (flags: { host?: string; port?: string; db?: string }) => {
      const config = loadConfig(flags);
      const lp = await createLinkplane(config, { logger: { level: config.logLevel } });
      const log = lp.server.log;
      if (lp.bootstrap.created) {
        log.info({ orgId: lp.bootstrap.orgId, publicKey: lp.bootstrap.publicKey }, 'bootstrapped organization and ORG_OWNER API key');
        if (lp.bootstrap.privateKey) {
          process.stdout.write(
            `\nlinkplane bootstrap (shown once):\n  organization id: ${lp.bootstrap.orgId}\n  public key:      ${lp.bootstrap.publicKey}\n  private key:     ${lp.bootstrap.privateKey}\n\n`,
          );
        }
      }
      const address = await lp.listen();
      log.info({ address, db: lp.store.kind, node: config.nodeId }, 'linkplane listening');
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down');
        await lp.close();
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
    });
}
