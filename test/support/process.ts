import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every spawned server starts with the in-process harness's fixed bootstrap key. */
export { BOOT_PRIVATE, BOOT_PUBLIC, V2_ACCEPT } from './harness.ts';
import { BOOT_PRIVATE, BOOT_PUBLIC } from './harness.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServerOptions {
  /** SQLite file to use; a fresh one in a temp directory by default. */
  db?: string;
  /** LINKPLANE_SIM_TIME_SCALE (default 0: every simulated step is due at once). */
  timeScale?: number;
  /** LINKPLANE_RECONCILE_INTERVAL_MS (default 20). */
  reconcileIntervalMs?: number;
  /** Extra environment (wins over the defaults above). */
  env?: Record<string, string>;
  /** How long to wait for GET /health to answer 200 (default 20 s). */
  startTimeoutMs?: number;
}

export interface ServerProcess {
  readonly baseUrl: string;
  readonly port: number;
  readonly db: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the child wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Whether the child has exited. */
  readonly exited: boolean;
  /** SIGTERM and wait for exit (SIGKILL after `graceMs`); resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string | null>;
  /** kill -9 and wait for exit. */
  kill9(): Promise<void>;
  /** SIGSTOP: the process stops running but keeps its sockets and database sessions. */
  pause(): void;
}

/** Children still alive, killed if the test process exits (or is interrupted) without stopping them. */
const live = new Set<ChildProcess>();
function killLive(): void {
  for (const c of live) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
process.on('exit', killLive);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // kill the servers, then die of the same signal as the default handler would
  process.once(signal, () => {
    killLive();
    process.kill(process.pid, signal);
  });
}

/** A port that was free on loopback a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no port'));
      srv.close(() => resolvePort(addr.port));
    });
  });
}

/** A fresh temp directory with a SQLite path in it; `cleanup` removes the directory. */
export function tempDb(): { db: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'linkplane-e2e-'));
  return { db: join(dir, 'linkplane.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function waitExit(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((res) => child.once('exit', (code, signal) => res(code ?? signal)));
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const r = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) });
    await r.arrayBuffer();
    return r.status === 200;
  } catch {
    return false;
  }
}

async function spawnOnce(db: string, opts: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NODE_NO_WARNINGS: '1',
    LINKPLANE_HOST: '127.0.0.1',
    LINKPLANE_PORT: String(port),
    LINKPLANE_DB: db,
    LINKPLANE_BOOTSTRAP_PUBLIC_KEY: BOOT_PUBLIC,
    LINKPLANE_BOOTSTRAP_PRIVATE_KEY: BOOT_PRIVATE,
    LINKPLANE_SIM_TIME_SCALE: String(opts.timeScale ?? 0),
    LINKPLANE_RECONCILE_INTERVAL_MS: String(opts.reconcileIntervalMs ?? 20),
    LINKPLANE_LOG_LEVEL: 'warn',
    ...opts.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));

  const proc: ServerProcess = {
    baseUrl,
    port,
    db,
    pid: child.pid!,
    child,
    output: () => out,
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
    async stop(graceMs = 5000) {
      if (proc.exited) return child.exitCode ?? child.signalCode;
      const done = waitExit(child);
      child.kill('SIGCONT'); // a paused server must run to handle SIGTERM
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await done;
      } finally {
        clearTimeout(timer);
      }
    },
    async kill9() {
      if (proc.exited) return;
      const done = waitExit(child);
      child.kill('SIGKILL');
      await done;
    },
    pause() {
      if (!proc.exited) child.kill('SIGSTOP');
    },
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (proc.exited) break;
    if (await healthy(baseUrl)) return proc;
    await delay(25);
  }
  await proc.kill9();
  throw Object.assign(new Error(`linkplane serve did not become healthy on ${baseUrl}:\n${out}`), { output: out });
}

/**
 * Spawns `linkplane serve` (node --import tsx src/main.ts serve) on a free loopback port with the
 * fixed bootstrap key, and waits until GET /health answers 200. A start that loses the port race
 * (the child exits before becoming healthy) is retried on a new port.
 */
export async function startServer(opts: ServerOptions = {}): Promise<ServerProcess> {
  // without a db of the caller's, the server gets a temp file that its stop() removes
  const owned = opts.db === undefined ? tempDb() : undefined;
  const db = opts.db ?? owned!.db;
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const proc = await spawnOnce(db, opts);
      if (owned) {
        const stop = proc.stop;
        proc.stop = async (graceMs?: number) => {
          try {
            return await stop(graceMs);
          } finally {
            owned.cleanup();
          }
        };
      }
      return proc;
    } catch (err) {
      last = err;
      if (!String((err as { output?: string }).output ?? '').includes('EADDRINUSE')) break;
    }
  }
  owned?.cleanup();
  throw last;
}

/**
 * Polls `probe` every `intervalMs` until it returns a value other than undefined, failing after
 * `timeoutMs` with the last observation in the message.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: { timeoutMs?: number; intervalMs?: number; describe?: () => string | Promise<string> } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${opts.describe ? `: ${await opts.describe()}` : ''}`);
    await delay(intervalMs);
  }
}
