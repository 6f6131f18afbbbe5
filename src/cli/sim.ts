import type { Command } from 'commander';
import { SimulationControl, parseTimeScale } from '../app/simulation.ts';
import { loadConfig } from '../config.ts';
import { AtlasError } from '../domain/errors.ts';
import { openStore } from '../store/open-store.ts';

async function withSim<T>(db: string | undefined, fn: (sim: SimulationControl) => Promise<T>): Promise<void> {
  const config = loadConfig({ db });
  const store = await openStore(config.db, { poolSize: 1, sqliteSynchronous: config.sqliteSynchronous });
  try {
    const sim = new SimulationControl(store, config.simTimeScale, Date.now);
    await sim.refresh(true);
    const out = await fn(sim);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } catch (err) {
    if (err instanceof AtlasError) {
      process.stderr.write(`${err.errorCode}: ${err.detail}\n`);
      process.exitCode = 2;
    } else throw err;
  } finally {
    await store.close();
  }
}

/**
 * `linkplane sim`: the simulated cloud's fault rules and time scale, written to the store that the
 * servers read (they pick changes up within a second), same rules as the admin API.
 */
export function registerSimCommand(program: Command): void {
  const sim = program.command('sim').description('control the simulated cloud (fault rules, time scale)');
  const db = ['--db <location>', 'SQLite file or postgres:// URL (LINKPLANE_DB)'] as const;
  const faults = sim.command('faults').description('fault rules');
  faults
    .command('list')
    .option(...db)
    .action((o: { db?: string }) => withSim(o.db, async (s) => s.faults));
  faults
    .command('add')
    .requiredOption('--provider <provider>', 'AWS, AZURE or GCP')
    .requiredOption('--kind <kind>', 'endpointService or endpoint')
    .requiredOption('--outcome <outcome>', 'FAILED, REJECTED or STUCK')
    .option('--match <key=value...>', 'projectId, region, endpointServiceId or endpointId')
    .option('--error-message <text>', 'errorMessage to report')
    .option(...db)
    .action((o: { provider: string; kind: string; outcome: string; match?: string[]; errorMessage?: string; db?: string }) =>
      withSim(o.db, (s) =>
        s.addFault({
          provider: o.provider,
          kind: o.kind,
          outcome: o.outcome,
          match: Object.fromEntries((o.match ?? []).map((m) => [m.slice(0, m.indexOf('=')), m.slice(m.indexOf('=') + 1)])),
          ...(o.errorMessage !== undefined ? { errorMessage: o.errorMessage } : {}),
        }),
      ),
    );
  faults
    .command('delete <id>')
    .option(...db)
    .action((id: string, o: { db?: string }) => withSim(o.db, async (s) => (await s.deleteFault(id), { deleted: id })));
  faults
    .command('clear')
    .option(...db)
    .action((o: { db?: string }) => withSim(o.db, async (s) => ({ deleted: await s.clearFaults() })));
  sim
    .command('settings')
    .description('show or change the time scale')
    .option('--time-scale <n>', 'multiply real Atlas timings by n (0 = next reconciler tick)')
    .option(...db)
    .action((o: { timeScale?: string; db?: string }) =>
      withSim(o.db, async (s) => {
        if (o.timeScale !== undefined) await s.setTimeScale(parseTimeScale({ timeScale: Number(o.timeScale) }));
        return { timeScale: s.timeScale };
      }),
    );
}
