import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every child and temp dir this run made: killed and removed on any exit, signal or crash. */
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function killAllNow(): void {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  children.clear();
  for (const d of tempDirs) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
  tempDirs.clear();
}

let installed = false;
/** Kills children and removes temp dirs whatever happens (normal exit, Ctrl-C, SIGTERM, crash). */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping children\n`);
      killAllNow();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    process.stderr.write(`bench: uncaught ${err?.stack ?? err}\n`);
    killAllNow();
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`bench: unhandled rejection ${(err as Error)?.stack ?? err}\n`);
    killAllNow();
    process.exit(1);
  });
}

export function tempDir(prefix = 'linkplane-bench-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(d);
  return d;
}

export function removeTempDir(d: string): void {
  rmSync(d, { recursive: true, force: true });
  tempDirs.delete(d);
}

/** A port that was free on loopback a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      if (a === null || typeof a === 'string') return rej(new Error('no port'));
      srv.close(() => res(a.port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Peak resident memory of a process: VmRSS sampled every 100 ms plus the kernel's VmHWM. */
export class MemoryWatch {
  private timer: NodeJS.Timeout | undefined;
  private peakKb = 0;

  constructor(readonly pid: number) {}

  private read(field: 'VmRSS' | 'VmHWM'): number {
    try {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  }

  /** Current RSS in MB. */
  rssMb(): number {
    return this.read('VmRSS') / 1024;
  }

  /** Starts a window: resets the kernel's high-water mark (clear_refs 5) and the sampled peak. */
  start(): void {
    this.stop();
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
    } catch {
      /* not permitted: VmHWM then covers the whole process life */
    }
    this.peakKb = this.read('VmRSS');
    this.timer = setInterval(() => {
      this.peakKb = Math.max(this.peakKb, this.read('VmRSS'));
    }, 100);
    this.timer.unref();
  }

  /** Ends the window; returns the peak RSS in MB seen in it. */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.peakKb = Math.max(this.peakKb, this.read('VmHWM'), this.read('VmRSS'));
    return this.peakKb / 1024;
  }
}

export interface Child {
  name: string;
  pid: number;
  port: number;
  baseUrl: string;
  /** Spawn to first healthy answer, ms. */
  startMs: number;
  mem: MemoryWatch;
  output(): string;
  exited(): boolean;
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnSpec {
  name: string;
  args: string[];
  env?: Record<string, string>;
  port: number;
  /** Resolves true once the child answers. */
  ready: (baseUrl: string) => Promise<boolean>;
  timeoutMs?: number;
}

/** Spawns `node <args>` from the repo root and waits until `ready` says so. */
export async function startChild(spec: SpawnSpec): Promise<Child> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, spec.args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, NODE_NO_WARNINGS: '1', ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let out = '';
  let exited = false;
  const keep = (d: string) => {
    out += d;
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout!.setEncoding('utf8').on('data', keep);
  proc.stderr!.setEncoding('utf8').on('data', keep);
  const exit = new Promise<void>((res) =>
    proc.once('exit', () => {
      exited = true;
      children.delete(proc);
      res();
    }),
  );
  const baseUrl = `http://127.0.0.1:${spec.port}`;
  const child: Child = {
    name: spec.name,
    pid: proc.pid!,
    port: spec.port,
    baseUrl,
    startMs: 0,
    mem: new MemoryWatch(proc.pid!),
    output: () => out,
    exited: () => exited,
    stop: async (graceMs = 5000) => {
      if (exited) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(t);
    },
  };
  const until = Date.now() + (spec.timeoutMs ?? 30_000);
  for (;;) {
    if (exited) throw new Error(`${spec.name} exited during start-up:\n${out.slice(-3000)}`);
    if (await spec.ready(baseUrl).catch(() => false)) break;
    if (Date.now() > until) {
      await child.stop(1000);
      throw new Error(`${spec.name} not ready after ${spec.timeoutMs ?? 30_000} ms:\n${out.slice(-3000)}`);
    }
    await sleep(25);
  }
  child.startMs = performance.now() - t0;
  return child;
}

export async function httpOk(url: string, init?: RequestInit): Promise<boolean> {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(1000) });
  await r.arrayBuffer();
  return r.status === 200;
}

/** The fixed bootstrap key every benchmarked linkplane starts with. */
export const BENCH_KEY = { publicKey: 'benchpub', privateKey: 'b3e0c0de-1111-4222-8333-444444444444' };

export interface LinkplaneSpec {
  name: string;
  db: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeFlags?: string[];
}

let extraNodeFlags: string[] = [];
/** Node flags added to every linkplane server this run starts (e.g. a heap cap). */
export function setLinkplaneNodeFlags(flags: string[]): void {
  extraNodeFlags = flags;
}

/** `node --import tsx src/main.ts serve` on a free port, settings from env. */
export async function startLinkplane(spec: LinkplaneSpec): Promise<Child> {
  const port = await freePort();
  return startChild({
    name: spec.name,
    args: [...(spec.nodeFlags ?? []), ...extraNodeFlags, '--import', 'tsx', 'src/main.ts', 'serve'],
    port,
    timeoutMs: spec.timeoutMs ?? 60_000,
    env: {
      LINKPLANE_HOST: '127.0.0.1',
      LINKPLANE_PORT: String(port),
      LINKPLANE_DB: spec.db,
      LINKPLANE_BOOTSTRAP_PUBLIC_KEY: BENCH_KEY.publicKey,
      LINKPLANE_BOOTSTRAP_PRIVATE_KEY: BENCH_KEY.privateKey,
      LINKPLANE_SIM_TIME_SCALE: '0',
      LINKPLANE_RATE_LIMITS: 'off',
      LINKPLANE_LOG_LEVEL: 'warn',
      LINKPLANE_RECONCILE_INTERVAL_MS: '20',
      ...spec.env,
    },
    ready: (base) => httpOk(`${base}/health`),
  });
}
