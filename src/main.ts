import { Command } from 'commander';
import { registerMigrateCommand } from './cli/migrate.ts';
import { registerServeCommand } from './cli/serve.ts';
import { registerSimCommand } from './cli/sim.ts';

/** The `linkplane` command. */
const program = new Command('linkplane').description('Atlas-compatible control plane for private endpoints');
registerServeCommand(program);
registerMigrateCommand(program);
registerSimCommand(program);
await program.parseAsync(process.argv);
