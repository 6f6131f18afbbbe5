/**
 * `npm run bench` — load benchmarks on loopback; everything it needs is started here (child processes
 * on free ports, temp dirs) and stopped whatever happens.
 *
 *   npm run bench                        full run (~2-3 min): writes bench/results/latest.json and latest.md
 *   npm run bench -- --smoke             harness check (< 30 s): tiny sizes, 1 s loads; exit 0 = the harness works
 *   npm run bench -- --only=api,scale,reconciler    some sections only
 *   npm run bench -- --profile           CPU profiles (node --cpu-prof) of linkplane per scenario -> bench/results/profiles/
 *   npm run bench -- --duration=5 --scale-duration=3 --warmup=0.5
 *   npm run bench -- --lp-node-flags="--max-old-space-size=64"    extra node flags for linkplane servers
 *   LINKPLANE_BENCH_PG_URL=postgres://…  also runs the API scenarios on PostgreSQL (scratch database, dropped after)
 */
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { AtlasClient, availableService, paths, V2_ACCEPT } from './lib/atlas-client.ts';
import { vpceIdFactory } from './lib/digest.ts';
import { runLoad, type LoadResult, type LoadSpec } from './lib/load.ts';
import { runPaced, type PacedSpec } from './lib/paced.ts';
import {
  BENCH_KEY,
  freePort,
  httpOk,
  installCleanup,
  REPO_ROOT,
  setLinkplaneNodeFlags,
  removeTempDir,
  sleep,
  startChild,
  startLinkplane,
  tempDir,
  type Child,
} from './lib/procs.ts';
import { summarizeProfile } from './lib/profile.ts';
import { markdown, type BenchReport, type ScalePair, type TargetCheck } from './lib/report.ts';
import { createEndpointScript, digestRequest, terraformScript } from './lib/scripts.ts';
import { seedSqlite, type SeedShape } from './lib/seed.ts';
import { round } from './lib/stats.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const SMOKE = flag('smoke');
const PROFILE = flag('profile');
const only = opt('only')?.split(',');
/**
 * Node flags for every linkplane server: those `npm start` uses (read from package.json, so the bench
 * measures what users run), plus --lp-node-flags=... extras.
 */
const START_FLAGS = (JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8')).scripts.start as string)
  .split(' ')
  .filter((w) => w.startsWith('--max-'));
const LP_NODE_FLAGS = [...START_FLAGS, ...(opt('lp-node-flags')?.split(' ').filter(Boolean) ?? [])];
const runs = (section: string) => !only || only.includes(section);

const CFG = SMOKE
  ? {
      durationS: Number(opt('duration') ?? 1),
      scaleDurationS: 0.25,
      connections: 10,
      rate: 1000,
      big: { projects: 200, services: 2_000, servicesPerProject: 10, endpointsPerService: 10, apiKeys: 500 },
      small: { projects: 100, services: 10, servicesPerProject: 10, endpointsPerService: 10, apiKeys: 100 },
      reconcileServices: 10,
      reconcilePerService: 100,
      prismTimeoutMs: 8_000,
      mixedProjects: 10,
      warmupS: 0,
    }
  : {
      durationS: Number(opt('duration') ?? 4),
      scaleDurationS: Number(opt('scale-duration') ?? 3),
      connections: 10,
      rate: 1000,
      big: { projects: 10_000, services: 100_000, servicesPerProject: 10, endpointsPerService: 10, apiKeys: 10_000 },
      small: { projects: 100, services: 10, servicesPerProject: 10, endpointsPerService: 10, apiKeys: 100 },
      reconcileServices: 100,
      reconcilePerService: 100,
      prismTimeoutMs: 60_000,
      mixedProjects: 10,
      warmupS: Number(opt('warmup') ?? 0.5),
    };

const RESULTS = resolve(REPO_ROOT, 'bench', 'results');
const SPEC = resolve(REPO_ROOT, '..', 'shared', 'reference', 'atlas-openapi-privatelink.yaml');
const FAKE_GROUP = '5f1a2b3c4d5e6f7a8b9c0d1e';
const FAKE_SERVICE = '5f1a2b3c4d5e6f7a8b9c0d1f';
const GET_SERVICE_PATH = paths.service(FAKE_GROUP, FAKE_SERVICE);
/** An endpoint created before the create-endpoint runs fill its service, read back afterwards. */
const CREATE_SERVICE_ENDPOINT = 'vpce-0123456789abcdef1';

const t0 = performance.now();
const log = (s: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${s}\n`);

const report: BenchReport = {
  meta: {
    mode: SMOKE ? 'smoke' : 'full',
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model?.trim(),
    connections: CFG.connections,
    durationS: CFG.durationS,
    scaleDurationS: CFG.scaleDurationS,
    fixedRate: CFG.rate,
    linkplaneEnv: { LINKPLANE_SIM_TIME_SCALE: 0, LINKPLANE_RATE_LIMITS: 'off', LINKPLANE_LOG_LEVEL: 'warn', LINKPLANE_RECONCILE_INTERVAL_MS: 20 },
    linkplaneNodeFlags: LP_NODE_FLAGS,
    loadavgAtStart: loadavg().map((v) => round(v, 2)),
  },
  api: [],
  targets: [],
  notes: [],
};
const problems: string[] = [];

/** A run is sane when it served something and almost nothing was unexpected. */
function check(r: LoadResult): LoadResult {
  const bad = r.unexpected + r.errors;
  if (r.requests === 0 || bad > Math.max(5, r.requests * 0.01)) {
    problems.push(`${r.scenario} on ${r.target}: ${r.requests} responses, ${r.unexpected} unexpected, ${r.errors} errors ${JSON.stringify(r.statuses)}`);
  }
  log(
    `  ${r.scenario}${r.overallRate ? ` @${r.overallRate}/s${r.paced ? ' paced' : ''}` : ''} on ${r.target}: ${r.okRps} ok req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, peak RSS ${r.peakRssMb} MB ${JSON.stringify(r.statuses)}`,
  );
  return r;
}

async function load(spec: Omit<LoadSpec, 'connections' | 'durationS'> & Partial<Pick<LoadSpec, 'connections' | 'durationS'>>): Promise<LoadResult> {
  return check(await runLoad({ connections: CFG.connections, durationS: CFG.durationS, warmupS: CFG.warmupS, ...spec }));
}

async function paced(spec: Omit<PacedSpec, 'rate' | 'durationS'>): Promise<LoadResult> {
  return check(await runPaced({ rate: CFG.rate, durationS: CFG.durationS, ...spec }));
}

// ---------------------------------------------------------------------------------------------
// Servers

async function startCeiling(): Promise<Child> {
  const port = await freePort();
  return startChild({
    name: 'ceiling',
    args: ['--import', 'tsx', 'bench/servers/ceiling.ts'],
    env: { PORT: String(port) },
    port,
    ready: (base) => httpOk(`${base}/health`),
  });
}

/** Prism accepts any syntactically valid Digest header (it checks presence, not the response). */
const PRISM_HEADERS = {
  Accept: V2_ACCEPT,
  Authorization: 'Digest username="bench",realm="mms",nonce="abc123",uri="x",response="0123abcd"',
};

async function startPrism(): Promise<Child> {
  const port = await freePort();
  return startChild({
    name: 'prism',
    args: [
      'node_modules/@stoplight/prism-cli/dist/index.js',
      'mock',
      SPEC,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '--errors',
      'false',
      '-v',
      'error',
    ],
    port,
    timeoutMs: CFG.prismTimeoutMs,
    ready: (base) => httpOk(`${base}${GET_SERVICE_PATH}`, { headers: PRISM_HEADERS }),
  });
}

// ---------------------------------------------------------------------------------------------
// API scenarios

interface LinkplaneFixture {
  orgId: string;
  read: { groupId: string; serviceId: string; endpointId: string };
  create: { groupId: string; serviceId: string };
  mixedGroups: string[];
}

async function prepareLinkplane(lp: Child): Promise<LinkplaneFixture> {
  const c = new AtlasClient(lp.baseUrl, BENCH_KEY);
  const orgs = await c.expect('GET', '/api/atlas/v2/orgs', [200]);
  const orgId = orgs.results[0].id as string;
  const read = await availableService(c, orgId, 'bench-read', 'US_WEST_2');
  const endpointId = 'vpce-0123456789abcdef0';
  await c.expect('POST', paths.endpoints(read.groupId, read.serviceId), [201], { id: endpointId });
  await c.waitFor(paths.endpoint(read.groupId, read.serviceId, endpointId), (b) => b.connectionStatus === 'AVAILABLE');
  const create = await availableService(c, orgId, 'bench-create', 'US_EAST_1');
  await c.expect('POST', paths.endpoints(create.groupId, create.serviceId), [201], { id: CREATE_SERVICE_ENDPOINT });
  const mixedGroups: string[] = [];
  for (let i = 0; i < CFG.mixedProjects; i++) {
    const p = await c.expect('POST', paths.groups(), [200, 201], { name: `bench-mixed-${i}`, orgId });
    mixedGroups.push(p.id);
  }
  return { orgId, read: { ...read, endpointId }, create, mixedGroups };
}

async function linkplaneApi(lp: Child, target: string): Promise<void> {
  log(`${target}: preparing`);
  const fx = await prepareLinkplane(lp);
  const nextId = vpceIdFactory();
  const get = (path: string) => digestRequest(BENCH_KEY, 'GET', path);
  report.api.push(await load({ scenario: 'GET endpoint service', target, baseUrl: lp.baseUrl, server: lp, script: get(paths.service(fx.read.groupId, fx.read.serviceId)) }));
  report.api.push(
    await load({
      scenario: 'GET endpoint',
      target,
      baseUrl: lp.baseUrl,
      server: lp,
      script: get(paths.endpoint(fx.read.groupId, fx.read.serviceId, fx.read.endpointId)),
    }),
  );
  report.api.push(
    await load({
      scenario: 'GET endpoint service',
      target,
      baseUrl: lp.baseUrl,
      server: lp,
      overallRate: CFG.rate,
      script: get(paths.service(fx.read.groupId, fx.read.serviceId)),
    }),
  );
  report.api.push(
    await paced({
      scenario: 'GET endpoint service',
      target,
      baseUrl: lp.baseUrl,
      server: lp,
      path: paths.service(fx.read.groupId, fx.read.serviceId),
      headers: { Accept: V2_ACCEPT },
      key: BENCH_KEY,
    }),
  );
  const counters: Record<string, number> = {};
  const mixed = await load({
    scenario: 'Terraform-like mix',
    target,
    baseUrl: lp.baseUrl,
    server: lp,
    alsoOk: [404],
    counters,
    script: terraformScript(BENCH_KEY, fx.mixedGroups, nextId, counters),
  });
  mixed.counters = { ...counters, workflowsPerS: round(counters.workflows / mixed.durationS, 1) };
  log(`  mix: ${JSON.stringify(mixed.counters)}`);
  if (counters.workflows === 0) problems.push(`${target}: the Terraform-like mix completed no workflow`);
  report.api.push(mixed);
  const create = await load({
    scenario: 'create endpoint',
    target,
    baseUrl: lp.baseUrl,
    server: lp,
    script: createEndpointScript(BENCH_KEY, fx.create.groupId, fx.create.serviceId, nextId),
  });
  report.api.push(create);
  const inService = (await new AtlasClient(lp.baseUrl, BENCH_KEY).expect('GET', paths.service(fx.create.groupId, fx.create.serviceId), [200])).interfaceEndpoints.length as number;
  if (SMOKE) return; // the remaining runs use the same harness paths as those above
  // The same write at a fixed rate, on a second service so its endpoint list starts empty again.
  const c = new AtlasClient(lp.baseUrl, BENCH_KEY);
  const svc2 = await c.expect('POST', paths.services(fx.create.groupId), [201], { providerName: 'AWS', region: 'EU_WEST_1' });
  await c.waitFor(paths.service(fx.create.groupId, svc2.id), (b) => b.status === 'AVAILABLE');
  report.api.push(
    await load({
      scenario: 'create endpoint',
      target,
      baseUrl: lp.baseUrl,
      server: lp,
      overallRate: CFG.rate,
      script: createEndpointScript(BENCH_KEY, fx.create.groupId, svc2.id, nextId),
    }),
  );
  // Reads against the service that now holds every endpoint created above.
  report.api.push(
    await load({
      scenario: `GET endpoint (its service holds ${inService} endpoints)`,
      target,
      baseUrl: lp.baseUrl,
      server: lp,
      durationS: Math.min(CFG.durationS, 2),
      script: get(paths.endpoint(fx.create.groupId, fx.create.serviceId, CREATE_SERVICE_ENDPOINT)),
    }),
  );
}

async function pgScratchDb(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `linkplane_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}

async function apiSection(): Promise<void> {
  log('api: starting ceiling, Prism and linkplane (SQLite)');
  const dir = tempDir();
  const prismStart = startPrism();
  prismStart.catch(() => {});
  const [ceiling, lp] = await Promise.allSettled([startCeiling(), startLinkplane({ name: 'linkplane-sqlite', db: join(dir, 'lp.db') })]);
  // Full runs wait for Prism before measuring anything, so its start-up does not steal CPU.
  if (!SMOKE) await prismStart.catch(() => {});
  let prism: Child | undefined;
  try {
    if (ceiling.status === 'rejected') throw ceiling.reason;
    if (lp.status === 'rejected') throw lp.reason;
    const c = ceiling.value;
    report.api.push(await load({ scenario: 'GET endpoint service', target: 'ceiling (bare Fastify)', baseUrl: c.baseUrl, server: c, request: { method: 'GET', path: GET_SERVICE_PATH } }));
    if (!SMOKE) {
      report.api.push(
        await load({ scenario: 'GET endpoint service', target: 'ceiling (bare Fastify)', baseUrl: c.baseUrl, server: c, overallRate: CFG.rate, request: { method: 'GET', path: GET_SERVICE_PATH } }),
      );
      report.api.push(await paced({ scenario: 'GET endpoint service', target: 'ceiling (bare Fastify)', baseUrl: c.baseUrl, server: c, path: GET_SERVICE_PATH }));
    }
    await c.stop();
    await linkplaneApi(lp.value, 'linkplane SQLite');
    await lp.value.stop();
    try {
      prism = await prismStart;
    } catch (e) {
      const why = String((e as Error)?.message ?? e).split('\n')[0];
      report.notes.push(`Prism skipped: ${why}`);
      log(`Prism skipped: ${why}`);
      if (!SMOKE) problems.push('Prism did not start');
    }
    if (prism) {
      const p = prism;
      const request = { method: 'GET', path: GET_SERVICE_PATH, headers: PRISM_HEADERS };
      report.api.push(await load({ scenario: 'GET endpoint service', target: 'Prism (mock, no state)', baseUrl: p.baseUrl, server: p, request }));
      if (!SMOKE) {
        report.api.push(await load({ scenario: 'GET endpoint service', target: 'Prism (mock, no state)', baseUrl: p.baseUrl, server: p, overallRate: CFG.rate, request }));
        report.api.push(await paced({ scenario: 'GET endpoint service', target: 'Prism (mock, no state)', baseUrl: p.baseUrl, server: p, path: GET_SERVICE_PATH, headers: PRISM_HEADERS }));
      }
      await p.stop();
    }
  } finally {
    for (const s of [ceiling, lp]) if (s.status === 'fulfilled') await s.value.stop();
    await prismStart.then((p) => p.stop()).catch(() => {});
    removeTempDir(dir);
  }

  const pgUrl = process.env.LINKPLANE_BENCH_PG_URL;
  if (!pgUrl) {
    report.notes.push('PostgreSQL skipped: set LINKPLANE_BENCH_PG_URL=postgres://user:pass@host:port/db (needs CREATEDB: the bench works in a scratch database it drops afterwards).');
  } else {
    let scratch: Awaited<ReturnType<typeof pgScratchDb>> | undefined;
    try {
      scratch = await pgScratchDb(pgUrl);
      const lpPg = await startLinkplane({ name: 'linkplane-pg', db: scratch.url });
      try {
        await linkplaneApi(lpPg, 'linkplane PostgreSQL');
      } finally {
        await lpPg.stop();
      }
    } catch (e) {
      const msg = `PostgreSQL run failed: ${(e as Error).message.split('\n')[0]}`;
      report.notes.push(msg);
      problems.push(msg);
    } finally {
      await scratch?.drop().catch((e) => report.notes.push(`could not drop the scratch database: ${(e as Error).message}`));
    }
  }

  const ceilingRps = report.api.find((a) => a.target.startsWith('ceiling') && !a.overallRate)?.okRps;
  const prismRps = report.api.find((a) => a.target.startsWith('Prism') && !a.overallRate)?.okRps;
  for (const a of report.api) {
    if (a.overallRate) continue;
    if (ceilingRps) a.vsCeiling = round(a.okRps / ceilingRps, 3);
    if (prismRps) a.vsPrism = round(a.okRps / prismRps, 2);
  }
}

// ---------------------------------------------------------------------------------------------
// Scale

/**
 * Two SQLite stores seeded straight through SQL, a small one and a large one, each served by its own
 * linkplane; every query runs on the small store and then on the large one right after, so the pair
 * sees the same background load.
 */
async function scaleSection(): Promise<void> {
  const shapes: Record<'small' | 'large', SeedShape> = { small: CFG.small, large: CFG.big };
  const dirs: string[] = [];
  const servers: Partial<Record<'small' | 'large', Child>> = {};
  const stores: NonNullable<BenchReport['scale']>['stores'] = {};
  try {
    const seeds = {} as Record<'small' | 'large', Awaited<ReturnType<typeof seedSqlite>>>;
    for (const name of ['small', 'large'] as const) {
      const shape = shapes[name];
      const dir = tempDir();
      dirs.push(dir);
      const db = join(dir, 'scale.db');
      log(`scale: seeding ${name} store (${shape.projects} projects, ${shape.services} services, ${shape.services * shape.endpointsPerService} endpoints, ${shape.apiKeys} keys)`);
      seeds[name] = await seedSqlite(db, shape, log);
      log(`scale: seeded in ${(seeds[name].seedMs / 1000).toFixed(1)} s, ${seeds[name].dbMb.toFixed(0)} MB; starting linkplane`);
      servers[name] = await startLinkplane({ name: `linkplane-${name}`, db });
      await sleep(300);
      stores[name] = {
        startMs: round(servers[name]!.startMs, 0),
        rssAfterStartMb: round(servers[name]!.mem.rssMb(), 1),
        peakRssMb: 0,
        seedMs: round(seeds[name].seedMs, 0),
        dbMb: round(seeds[name].dbMb, 1),
        counts: seeds[name].counts,
      };
    }
    const queryPaths = (name: 'small' | 'large'): [string, string][] => {
      const shape = shapes[name];
      const { orgId, sample } = seeds[name];
      const { groupId, serviceId, endpointId } = sample;
      return [
        ['GET one endpoint service', paths.service(groupId, serviceId)],
        ['GET one endpoint', paths.endpoint(groupId, serviceId, endpointId)],
        [`list AWS services of a project (${shape.servicesPerProject} services)`, paths.serviceList(groupId)],
        ['GET /groups page 1 (100 per page, includeCount)', `${paths.groups()}?pageNum=1`],
        ['GET /groups last page', `${paths.groups()}?pageNum=${Math.ceil(shape.projects / 100)}`],
        ['GET /orgs/{id}/apiKeys page 1', `${paths.apiKeys(orgId)}?pageNum=1`],
        ['GET /orgs/{id}/apiKeys last page', `${paths.apiKeys(orgId)}?pageNum=${Math.ceil((shape.apiKeys + 1) / 100)}`],
      ];
    };
    // Smoke runs check the pairing on a few queries only.
    const pick = (qs: [string, string][]) => (SMOKE ? qs.filter((_, i) => [0, 3, 5].includes(i)) : qs);
    const small = pick(queryPaths('small'));
    const large = pick(queryPaths('large'));
    const queries: ScalePair[] = [];
    for (let i = 0; i < small.length; i++) {
      const pair: ScalePair = { query: small[i][0] };
      for (const [name, q] of [['small', small[i]], ['large', large[i]]] as const) {
        const lp = servers[name]!;
        const r = await load({
          scenario: q[0],
          target: `linkplane SQLite ${name}`,
          baseUrl: lp.baseUrl,
          server: lp,
          durationS: CFG.scaleDurationS,
          script: digestRequest(BENCH_KEY, 'GET', q[1]),
        });
        stores[name].peakRssMb = Math.max(stores[name].peakRssMb, r.peakRssMb ?? 0);
        if (name === 'small') pair.small = r;
        else pair.big = r;
      }
      queries.push(pair);
    }
    report.scale = { shapes, stores, queries };
  } finally {
    for (const s of Object.values(servers)) await s?.stop();
    for (const d of dirs) removeTempDir(d);
  }
}

// ---------------------------------------------------------------------------------------------
// Reconciler

/**
 * Seeds PENDING_ACCEPTANCE endpoints under AVAILABLE services with no next look scheduled, starts the
 * server, then makes them all due at one instant (one UPDATE of next_reconcile_at) and polls a
 * read-only connection until every row is AVAILABLE. Scheduling them after start-up times the
 * reconciler alone (an idle reconciler looks for due rows every LINKPLANE_RECONCILE_INTERVAL_MS).
 */
async function reconcilerSection(): Promise<void> {
  const dir = tempDir();
  try {
    const db = join(dir, 'reconcile.db');
    const endpoints = CFG.reconcileServices * CFG.reconcilePerService;
    log(`reconciler: seeding ${endpoints} PENDING_ACCEPTANCE endpoints under ${CFG.reconcileServices} AVAILABLE services`);
    await seedSqlite(db, {
      projects: Math.ceil(CFG.reconcileServices / 10),
      services: CFG.reconcileServices,
      servicesPerProject: 10,
      endpointsPerService: CFG.reconcilePerService,
      apiKeys: 0,
      endpointState: 'pending',
    });
    const lp = await startLinkplane({ name: 'linkplane-reconciler', db });
    const rw = new Database(db, { fileMustExist: true });
    rw.pragma('busy_timeout = 5000');
    const ro = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const available = ro.prepare(`SELECT count(*) AS n FROM private_endpoints WHERE status = 'AVAILABLE'`);
      const lastAvailable = ro.prepare(`SELECT max(status_since) AS t FROM private_endpoints WHERE status = 'AVAILABLE'`);
      await sleep(200);
      lp.mem.start();
      const due = Date.now();
      rw.prepare(`UPDATE private_endpoints SET next_reconcile_at = ? WHERE status = 'PENDING_ACCEPTANCE'`).run(due);
      const scheduledAt = Date.now();
      let doneAt = 0;
      const until = Date.now() + 120_000;
      for (;;) {
        const n = (available.get() as { n: number }).n;
        if (n >= endpoints) {
          doneAt = Date.now();
          break;
        }
        if (Date.now() > until) throw new Error(`reconciler: only ${n}/${endpoints} AVAILABLE after 120 s`);
        if (lp.exited()) throw new Error(`reconciler: server exited:\n${lp.output().slice(-2000)}`);
        await sleep(5);
      }
      const lastTransitionAt = (lastAvailable.get() as { t: number }).t;
      const seconds = (doneAt - scheduledAt) / 1000;
      const transitions = endpoints * 2;
      report.reconciler = {
        endpoints,
        transitions,
        path: 'PENDING_ACCEPTANCE -> PENDING -> AVAILABLE (AWS), batch 1000, interval 20 ms',
        seconds: round(seconds, 3),
        secondsToLastTickStart: round((lastTransitionAt - scheduledAt) / 1000, 3),
        transitionsPerS: round(transitions / seconds, 0),
        endpointsPerS: round(endpoints / seconds, 0),
        startMs: round(lp.startMs, 0),
        peakRssMb: round(lp.mem.stop(), 1),
      };
      log(`reconciler: ${JSON.stringify(report.reconciler)}`);
    } finally {
      ro.close();
      rw.close();
      await lp.stop();
    }
  } finally {
    removeTempDir(dir);
  }
}

// ---------------------------------------------------------------------------------------------
// Profiling (--profile): one fresh server per scenario, started with --cpu-prof

async function profileSection(): Promise<void> {
  const outDir = join(RESULTS, 'profiles');
  mkdirSync(outDir, { recursive: true });
  const lines: string[] = ['# linkplane CPU profiles', ''];
  for (const scenario of ['GET endpoint service', 'create endpoint', 'Terraform-like mix']) {
    const dir = tempDir();
    const profDir = join(dir, 'prof');
    const lp = await startLinkplane({ name: 'linkplane-prof', db: join(dir, 'lp.db'), nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
    try {
      const fx = await prepareLinkplane(lp);
      const nextId = vpceIdFactory();
      const counters: Record<string, number> = {};
      const script =
        scenario === 'create endpoint'
          ? createEndpointScript(BENCH_KEY, fx.create.groupId, fx.create.serviceId, nextId)
          : scenario === 'Terraform-like mix'
            ? terraformScript(BENCH_KEY, fx.mixedGroups, nextId, counters)
            : digestRequest(BENCH_KEY, 'GET', paths.service(fx.read.groupId, fx.read.serviceId));
      const r = await load({ scenario, target: 'linkplane SQLite (profiled)', baseUrl: lp.baseUrl, server: lp, script, alsoOk: [404] });
      await lp.stop(15_000);
      const summary = summarizeProfile(profDir, 25);
      const file = join(outDir, `${scenario.replace(/\W+/g, '-').toLowerCase()}.txt`);
      writeFileSync(file, summary);
      lines.push(`## ${scenario}: ${r.okRps} req/s under --cpu-prof`, '', '```', summary.trim(), '```', '');
      log(`profile written: ${file}`);
    } finally {
      await lp.stop();
      removeTempDir(dir);
    }
  }
  writeFileSync(join(outDir, 'profile.md'), lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// Targets

function targets(): TargetCheck[] {
  const t: TargetCheck[] = [];
  const api = report.api;
  const closed = (scenario: string, target: string) => api.find((a) => a.scenario === scenario && a.target === target && !a.overallRate);
  const fixed = (scenario: string, target: string) => api.find((a) => a.scenario === scenario && a.target === target && a.overallRate && !a.paced);
  for (const target of ['linkplane SQLite', 'linkplane PostgreSQL']) {
    const create = closed('create endpoint', target);
    if (create) {
      t.push({ target: `${target}: create-endpoint >= 50% of ceiling req/s`, measured: `${create.okRps} req/s = ${round((create.vsCeiling ?? NaN) * 100, 1)}% of ceiling`, met: create.vsCeiling === undefined ? null : create.vsCeiling >= 0.5 });
    }
    for (const scenario of ['GET endpoint service', 'GET endpoint']) {
      const g = closed(scenario, target);
      if (g) t.push({ target: `${target}: ${scenario} >= 5x Prism`, measured: g.vsPrism === undefined ? 'Prism not run' : `${g.okRps} req/s = ${g.vsPrism}x Prism`, met: g.vsPrism === undefined ? null : g.vsPrism >= 5 });
    }
    for (const scenario of ['GET endpoint service', 'create endpoint']) {
      const f = fixed(scenario, target);
      if (f) {
        const sustained = f.okRps >= CFG.rate * 0.95;
        const p = api.find((a) => a.scenario === scenario && a.target === target && a.paced);
        t.push({
          target: `${target}: ${scenario} p99 < 10 ms at ${CFG.rate} req/s`,
          measured:
            `p99 ${f.latencyMs.p99} ms at ${f.okRps} req/s (autocannon overallRate)${sustained ? '' : ', rate not sustained'}` +
            (p ? `; evenly paced: p99 ${p.latencyMs.p99} ms at ${p.okRps} req/s` : ''),
          met: f.latencyMs.p99 < 10 && sustained,
        });
      }
    }
  }
  if (report.reconciler) {
    const r = report.reconciler as { transitionsPerS: number; endpoints: number };
    t.push({ target: 'reconciler >= 5,000 transitions/s on SQLite', measured: `${r.transitionsPerS} transitions/s (${r.endpoints} endpoints)`, met: r.transitionsPerS >= 5000 });
  }
  if (report.scale?.stores.large) {
    const l = report.scale.stores.large;
    const small = report.scale.stores.small;
    const eps = (l.counts as { endpoints: number }).endpoints;
    const peak = Math.max(l.peakRssMb, l.rssAfterStartMb);
    t.push({
      target: `RSS < 200 MB with ${eps.toLocaleString('en-US')} endpoints`,
      measured: `${l.rssAfterStartMb} MB after start, ${peak} MB peak under load` + (small ? ` (100-row store: ${small.rssAfterStartMb} MB / ${small.peakRssMb} MB)` : ''),
      met: SMOKE ? null : peak < 200,
    });
  }
  return t;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  installCleanup();
  setLinkplaneNodeFlags(LP_NODE_FLAGS);
  mkdirSync(RESULTS, { recursive: true });
  if (PROFILE) {
    await profileSection();
    return 0;
  }
  const sections: [string, () => Promise<void>][] = [
    ['api', apiSection],
    ['scale', scaleSection],
    ['reconciler', reconcilerSection],
  ];
  for (const [name, fn] of sections) {
    if (!runs(name)) continue;
    try {
      await fn();
    } catch (e) {
      const msg = `${name} section failed: ${(e as Error).stack ?? e}`;
      log(msg);
      problems.push(msg.split('\n').slice(0, 6).join(' | '));
    }
  }
  report.targets = targets();
  report.meta.totalS = round((performance.now() - t0) / 1000, 1);
  report.meta.loadavgAtEnd = loadavg().map((v) => round(v, 2));
  if (problems.length) report.notes.push(...problems.map((p) => `PROBLEM: ${p}`));
  report.notes.push(
    'Latencies are measured per request from autocannon hrtime (µs resolution); the fixed-rate runs use autocannon overallRate, which releases each connection\'s share at the start of every second (bursts), so their p99 is conservative.',
    'The create-endpoint runs write every endpoint into one service; the "its service holds N endpoints" row checks that reading one endpoint does not grow with its service (endpoint operations read the service row alone).',
    'Peak RSS is the V8 heap growing under allocation (the 100-row store peaks as high or higher); the live heap after a full GC stays near 25-30 MB. The tsx loader adds about 33 MB to every server started with node --import tsx.',
  );
  if (process.env.LINKPLANE_BENCH_PG_URL) {
    report.notes.push(`PostgreSQL: ${new URL(process.env.LINKPLANE_BENCH_PG_URL).host}, scratch database created and dropped by the run; the database server shares the same CPUs.`);
  }
  const md = markdown(report);
  const json = JSON.stringify(report, null, 2);
  if (SMOKE) {
    // Check the writers, but keep the committed results untouched.
    const dir = tempDir();
    writeFileSync(join(dir, 'smoke.json'), json);
    writeFileSync(join(dir, 'smoke.md'), md);
    JSON.parse(readFileSync(join(dir, 'smoke.json'), 'utf8'));
    removeTempDir(dir);
  } else {
    writeFileSync(join(RESULTS, 'latest.json'), json + '\n');
    writeFileSync(join(RESULTS, 'latest.md'), md);
    log(`wrote ${join(RESULTS, 'latest.json')} and latest.md`);
  }
  process.stdout.write(md);
  log(`done in ${round((performance.now() - t0) / 1000, 1)} s${problems.length ? `, ${problems.length} problem(s)` : ''}`);
  return problems.length ? 1 : 0;
}

process.exitCode = await main();
