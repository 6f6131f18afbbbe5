import autocannon, { type AutocannonClient, type AutocannonRequest } from 'autocannon';
import type { Child } from './procs.ts';
import { round, Samples } from './stats.ts';

/** One request a client script wants sent next. */
export interface NextRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Per-connection behaviour: `next()` builds each request (with its digest header), `onResponse`
 * sees every answer in order (pipelining is 1), so scripts can answer challenges and walk workflows.
 */
export interface ClientScript {
  next(): NextRequest;
  onResponse(status: number, body: string, headers: Record<string, string | string[]>): void;
}

export interface LoadSpec {
  scenario: string;
  target: string;
  baseUrl: string;
  connections: number;
  durationS: number;
  /** Fixed total request rate (autocannon overallRate); closed loop when absent. */
  overallRate?: number;
  /** A static request, or … */
  request?: NextRequest;
  /** … one script per connection. */
  script?: () => ClientScript;
  /** Server process whose peak RSS is reported. */
  server?: Child;
  /** Statuses counted as success besides 2xx (e.g. 404 polls in a workflow). */
  alsoOk?: number[];
  /** Extra counters the scripts fill in (workflows completed, …). */
  counters?: Record<string, number>;
  /** Seconds of the same load run first and thrown away (JIT warm-up, caches). */
  warmupS?: number;
}

export interface LoadResult {
  scenario: string;
  target: string;
  connections: number;
  durationS: number;
  overallRate?: number;
  /** Open-loop, evenly paced (bench/lib/paced.ts) instead of autocannon. */
  paced?: boolean;
  requests: number;
  rps: number;
  okRps: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  /** autocannon's own histogram (1 ms resolution, coordinated-omission corrected at a fixed rate). */
  autocannonMs: { p50: number; p99: number };
  statuses: Record<string, number>;
  /** Responses neither 2xx, nor expected challenges, nor `alsoOk`. */
  unexpected: number;
  challenges: number;
  errors: number;
  timeouts: number;
  peakRssMb?: number;
  counters?: Record<string, number>;
}

/** Runs one autocannon load (after an optional warm-up) and summarises it with µs-resolution latencies. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmupS) {
    const scratch: Record<string, number> = {};
    await runOnce({ ...spec, durationS: spec.warmupS, server: undefined, counters: scratch, overallRate: undefined, warmupS: 0 });
    if (spec.counters) for (const k of Object.keys(spec.counters)) spec.counters[k] = 0;
  }
  return runOnce(spec);
}

function runOnce(spec: LoadSpec): Promise<LoadResult> {
  const samples = new Samples();
  const statuses: Record<string, number> = {};
  spec.server?.mem.start();
  const base: AutocannonRequest = spec.request
    ? { method: spec.request.method, path: spec.request.path, headers: spec.request.headers ?? {}, body: spec.request.body }
    : { method: 'GET', path: '/' };
  const setupClient = spec.script
    ? (client: AutocannonClient) => {
        const s = spec.script!();
        client.setRequests([
          {
            setupRequest: (req) => {
              const r = s.next();
              return { ...req, method: r.method, path: r.path, headers: r.headers ?? {}, body: r.body ?? '' };
            },
            onResponse: (status, body, _ctx, headers) => s.onResponse(status, body, headers),
          },
        ]);
      }
    : undefined;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const inst = autocannon(
      {
        url: spec.baseUrl,
        connections: spec.connections,
        duration: spec.durationS,
        overallRate: spec.overallRate,
        requests: [base],
        setupClient,
        timeout: 10,
        // Check for the end of the run every 100 ms, so sub-second runs really are that short.
        sampleInt: 100,
      },
      (err, r) => {
        const elapsedS = (performance.now() - t0) / 1000;
        const peak = spec.server?.mem.stop();
        if (err) return reject(err);
        const [p50, p90, p99, p999] = samples.percentiles([50, 90, 99, 99.9]);
        let ok = 0;
        let unexpected = 0;
        const challenges = statuses['401'] ?? 0;
        for (const [code, n] of Object.entries(statuses)) {
          const c = Number(code);
          if ((c >= 200 && c < 300) || spec.alsoOk?.includes(c)) ok += n;
          else if (c !== 401) unexpected += n;
        }
        // One challenge per connection (and per reconnect) is expected; more means auth broke.
        if (spec.script && challenges > spec.connections * 2) unexpected += challenges - spec.connections;
        const durationS = r.duration || elapsedS;
        resolve({
          scenario: spec.scenario,
          target: spec.target,
          connections: spec.connections,
          durationS: round(durationS),
          overallRate: spec.overallRate,
          requests: samples.count,
          rps: round(samples.count / durationS, 0),
          okRps: round(ok / durationS, 0),
          latencyMs: {
            p50: round(p50, 3),
            p90: round(p90, 3),
            p99: round(p99, 3),
            p999: round(p999, 3),
            max: round(samples.max(), 3),
            mean: round(samples.mean(), 3),
          },
          autocannonMs: { p50: r.latency.p50, p99: r.latency.p99 },
          statuses,
          unexpected,
          challenges,
          errors: r.errors,
          timeouts: r.timeouts,
          peakRssMb: peak === undefined ? undefined : round(peak, 1),
          counters: spec.counters,
        });
      },
    );
    inst.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      samples.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
}
