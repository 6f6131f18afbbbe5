import type { LoadResult } from './load.ts';
import { round } from './stats.ts';

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

export interface ScalePair {
  query: string;
  small?: LoadResult;
  big?: LoadResult;
}

export interface BenchReport {
  meta: Record<string, unknown>;
  api: (LoadResult & { vsCeiling?: number; vsPrism?: number })[];
  scale?: {
    shapes: Record<string, unknown>;
    stores: Record<string, { startMs: number; rssAfterStartMb: number; peakRssMb: number; seedMs: number; dbMb: number; counts: unknown }>;
    queries: ScalePair[];
  };
  reconciler?: Record<string, unknown>;
  targets: TargetCheck[];
  notes: string[];
}

const f = (v: number | undefined, d = 2) => (v === undefined || !Number.isFinite(v) ? '—' : String(round(v, d)));
const x = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : `${round(v, 2)}x`);

/** The short markdown summary written next to latest.json. */
export function markdown(r: BenchReport): string {
  const out: string[] = [];
  const m = r.meta;
  out.push(`# linkplane benchmarks (${m.mode})`, '');
  out.push(
    `${m.date} · node ${m.node} · ${m.cpus} CPUs (${m.cpuModel}) · load generator and servers share the box · ${m.connections} connections, ${m.durationS} s per scenario · load average ${(m.loadavgAtStart as number[] | undefined)?.[0]} at start, ${(m.loadavgAtEnd as number[] | undefined)?.[0]} at end`,
    '',
  );
  out.push('| Scenario | Target | req/s | p50 ms | p99 ms | peak RSS MB | vs ceiling | vs Prism |', '|---|---|---:|---:|---:|---:|---:|---:|');
  for (const a of r.api) {
    const name = a.paced ? `${a.scenario} @ ${a.overallRate}/s, evenly paced` : a.overallRate ? `${a.scenario} @ ${a.overallRate}/s (autocannon)` : a.scenario;
    out.push(
      `| ${name} | ${a.target} | ${f(a.okRps, 0)} | ${f(a.latencyMs.p50)} | ${f(a.latencyMs.p99)} | ${f(a.peakRssMb, 0)} | ${x(a.vsCeiling)} | ${x(a.vsPrism)} |`,
    );
  }
  const mixes = r.api.filter((a) => a.counters?.workflows !== undefined);
  if (mixes.length) {
    out.push('');
    for (const a of mixes) {
      const c = a.counters!;
      out.push(`Terraform-like mix on ${a.target}: ${c.workflowsPerS} workflows/s (create service → poll → create endpoint → poll → delete → poll → delete service → poll; ${c.writes} writes, ${c.polls} polls, back-to-back).`);
    }
  }
  if (r.scale) {
    const s = r.scale;
    out.push('', '## Scale (SQLite)', '');
    for (const [name, st] of Object.entries(s.stores)) {
      out.push(`- ${name}: ${JSON.stringify(st.counts)}, ${f(st.dbMb, 0)} MB file, seeded in ${f(st.seedMs / 1000, 1)} s; start-up ${f(st.startMs, 0)} ms; RSS after start ${f(st.rssAfterStartMb, 0)} MB, peak under load ${f(st.peakRssMb, 0)} MB`);
    }
    out.push('', '| Query | small req/s | small p50 / p99 ms | large req/s | large p50 / p99 ms | large vs small |', '|---|---:|---:|---:|---:|---:|');
    for (const q of s.queries) {
      const ratio = q.small && q.big ? q.big.okRps / q.small.okRps : undefined;
      out.push(
        `| ${q.query} | ${f(q.small?.okRps, 0)} | ${f(q.small?.latencyMs.p50)} / ${f(q.small?.latencyMs.p99)} | ${f(q.big?.okRps, 0)} | ${f(q.big?.latencyMs.p50)} / ${f(q.big?.latencyMs.p99)} | ${x(ratio)} |`,
      );
    }
  }
  if (r.reconciler) {
    const c = r.reconciler as { endpoints: number; transitions: number; seconds: number; transitionsPerS: number; endpointsPerS: number; peakRssMb: number };
    out.push('', '## Reconciler (SQLite, time scale 0)', '');
    out.push(
      `${c.endpoints} endpoints PENDING_ACCEPTANCE → AVAILABLE (${c.transitions} transitions) in ${f(c.seconds, 2)} s: ${f(c.transitionsPerS, 0)} transitions/s, ${f(c.endpointsPerS, 0)} endpoints/s, peak RSS ${f(c.peakRssMb, 0)} MB`,
    );
  }
  out.push('', '## Targets', '', '| Target | Measured | Met |', '|---|---|---|');
  for (const t of r.targets) out.push(`| ${t.target} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'met' : '**not met**'} |`);
  if (r.notes.length) {
    out.push('', '## Notes', '');
    for (const n of r.notes) out.push(`- ${n}`);
  }
  return out.join('\n') + '\n';
}
