import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './procs.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function where(n: ProfileNode): string {
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  // Repo sources run through tsx: their line numbers are the transpiled ones, so only the file is shown.
  const inRepo = url.startsWith(REPO_ROOT) && !url.includes('/node_modules/');
  const file = inRepo ? relative(REPO_ROOT, url) : url.replace(/^.*node_modules\//, '~/');
  const line = inRepo || !file ? '' : `:${n.callFrame.lineNumber + 1}`;
  return `${n.callFrame.functionName || '(anonymous)'} ${file}${line}`.trim();
}

/**
 * Reads every `.cpuprofile` in `dir` (node --cpu-prof) and lists the functions with the most self
 * time, then the repo functions (src/) with the most inclusive time, as plain text.
 */
export function summarizeProfile(dir: string, top = 25): string {
  // One profile per thread; the tsx loader's worker thread is nearly idle and left out.
  const profiles = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({ f, p: JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile }))
    .filter(({ p }) => p.nodes.some((n) => n.callFrame.url.includes('/src/')));
  const out: string[] = [];
  for (const { f, p } of profiles) {
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const self = new Map<string, number>();
    const incl = new Map<string, number>();
    let total = 0;
    let idle = 0;
    for (let i = 0; i < p.samples.length; i++) {
      const dt = p.timeDeltas[i] ?? 0;
      const node = byId.get(p.samples[i]);
      if (!node) continue;
      total += dt;
      const name = node.callFrame.functionName;
      if (name === '(idle)') {
        idle += dt;
        continue;
      }
      const key = where(node);
      self.set(key, (self.get(key) ?? 0) + dt);
      const seen = new Set<string>();
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const n = byId.get(id)!;
        const k = where(n);
        if (seen.has(k)) continue;
        seen.add(k);
        incl.set(k, (incl.get(k) ?? 0) + dt);
      }
    }
    const busy = total - idle;
    const pct = (v: number) => `${((v / busy) * 100).toFixed(1).padStart(5)}%`;
    out.push(`${f}: ${(total / 1e6).toFixed(2)} s sampled, ${((idle / total) * 100).toFixed(1)}% idle; percentages of busy time`);
    out.push('', 'top self time:');
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`  ${pct(v)}  ${k}`);
    out.push('', 'top inclusive time in src/ and bench/:');
    for (const [k, v] of [...incl]
      .filter(([k]) => / (src|bench)\//.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top))
      out.push(`  ${pct(v)}  ${k}`);
    out.push('');
  }
  return out.join('\n');
}
