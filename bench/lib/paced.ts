import { Agent, request } from 'node:http';
import { DigestSession, type DigestKey } from './digest.ts';
import type { LoadResult } from './load.ts';
import type { Child } from './procs.ts';
import { round, Samples } from './stats.ts';

export interface PacedSpec {
  scenario: string;
  target: string;
  baseUrl: string;
  path: string;
  headers?: Record<string, string>;
  /** Answer digest challenges with this key (one session shared by all sockets, nc increasing). */
  key?: DigestKey;
  rate: number;
  durationS: number;
  maxSockets?: number;
  server?: Child;
}

/**
 * An open-loop GET load at an even rate: every 2 ms it starts the requests due by then, whatever
 * is still in flight, over a keep-alive pool, so the latency is not hidden by waiting (unlike
 * autocannon's overallRate, which sends each second's share in a burst). Digest clients that share
 * one nonce across sockets send nc values out of order; the server accepts that (urllib does it).
 */
export async function runPaced(spec: PacedSpec): Promise<LoadResult> {
  const url = new URL(spec.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.maxSockets ?? 32 });
  const session = spec.key ? new DigestSession(spec.key) : undefined;
  const samples = new Samples();
  const statuses: Record<string, number> = {};
  let errors = 0;

  const once = (auth: boolean) =>
    new Promise<{ status: number; wwwAuth?: string }>((resolve) => {
      const headers: Record<string, string> = { ...spec.headers };
      const a = auth ? session?.authorization('GET', spec.path) : undefined;
      if (a) headers.Authorization = a;
      const t = process.hrtime.bigint();
      const req = request({ host: url.hostname, port: url.port, path: spec.path, method: 'GET', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({ status, wwwAuth: res.headers['www-authenticate'] as string | undefined });
          samples.push(Number(process.hrtime.bigint() - t) / 1e6);
          statuses[status] = (statuses[status] ?? 0) + 1;
        });
      });
      req.on('error', () => {
        errors++;
        resolve({ status: 0 });
      });
      req.end();
    });

  if (session) {
    const first = await once(false);
    session.accept(first.wwwAuth);
  }
  // A short warm-up at the same rate, not recorded.
  const run = async (seconds: number) => {
    const start = performance.now();
    let sent = 0;
    const pending = new Set<Promise<unknown>>();
    while (performance.now() - start < seconds * 1000) {
      const due = Math.floor(((performance.now() - start) / 1000) * spec.rate);
      while (sent < due) {
        sent++;
        const p = once(true);
        pending.add(p);
        p.then(() => pending.delete(p));
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(pending);
    return { sent, elapsedS: (performance.now() - start) / 1000 };
  };
  await run(0.5);
  for (const k of Object.keys(statuses)) delete statuses[k];
  spec.server?.mem.start();
  const measuredFrom = samples.count;
  const r = await run(spec.durationS);
  const peak = spec.server?.mem.stop();
  agent.destroy();
  // Keep only the measured window's samples.
  const window = new Samples();
  for (const v of samples.slice(measuredFrom)) window.push(v);
  const [p50, p90, p99, p999] = window.percentiles([50, 90, 99, 99.9]);
  let ok = 0;
  let unexpected = 0;
  for (const [code, n] of Object.entries(statuses)) {
    const c = Number(code);
    if (c >= 200 && c < 300) ok += n;
    else if (c !== 401) unexpected += n;
  }
  return {
    scenario: spec.scenario,
    target: spec.target,
    connections: spec.maxSockets ?? 32,
    durationS: round(r.elapsedS),
    overallRate: spec.rate,
    paced: true,
    requests: window.count,
    rps: round(window.count / r.elapsedS, 0),
    okRps: round(ok / r.elapsedS, 0),
    latencyMs: { p50: round(p50, 3), p90: round(p90, 3), p99: round(p99, 3), p999: round(p999, 3), max: round(window.max(), 3), mean: round(window.mean(), 3) },
    autocannonMs: { p50: NaN, p99: NaN },
    statuses,
    unexpected,
    challenges: statuses['401'] ?? 0,
    errors,
    timeouts: 0,
    peakRssMb: peak === undefined ? undefined : round(peak, 1),
  };
}
