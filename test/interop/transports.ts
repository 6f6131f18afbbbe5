import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HttpClient } from 'urllib';
import { BOOT_PRIVATE, BOOT_PUBLIC, REPO_ROOT, V2_ACCEPT } from '../support/process.ts';

/**
 * Real third-party HTTP clients behind one small interface, so a scenario can be run unchanged
 * through curl, python requests or npm urllib. Each transport does its own digest authentication;
 * nothing here computes a digest.
 */

export interface Creds {
  user: string;
  pass: string;
}

export const BOOT: Creds = { user: BOOT_PUBLIC, pass: BOOT_PRIVATE };

export interface CallOptions {
  /** JSON-serialised as the request body. */
  body?: unknown;
  /** Credentials; null sends the request without any. */
  creds: Creds | null;
  headers?: Record<string, string>;
}

export interface Resp {
  status: number;
  /** Lower-case header names, of the final response. */
  headers: Record<string, string>;
  text: string;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: any;
  /** How many 401 challenges the client answered on the way (when the client tells). */
  challenges?: number;
  /** python requests' nonce count for this key after the call. */
  nonceCount?: number | null;
}

export interface Transport {
  readonly name: string;
  call(method: string, path: string, opts: CallOptions): Promise<Resp>;
  close(): Promise<void>;
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const STATUS_MARK = '\n@@linkplane-status@@';

/** `curl --digest -u pub:priv`, one process per call (a new challenge every time, as curl does). */
export class CurlTransport implements Transport {
  readonly name = 'curl';
  constructor(private readonly baseUrl: string) {}

  call(method: string, path: string, opts: CallOptions): Promise<Resp> {
    const args = ['-sS', '-g', '-D', '-', '-X', method, '-w', `${STATUS_MARK}%{http_code}`, '--max-time', '15'];
    if (opts.creds) args.push('--digest', '-u', `${opts.creds.user}:${opts.creds.pass}`);
    for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}: ${v}`);
    if (opts.body !== undefined) args.push('--data-binary', JSON.stringify(opts.body));
    args.push(this.baseUrl + path);
    return new Promise((resolve, reject) => {
      execFile('curl', args, { maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`curl ${method} ${path} failed: ${err.message}\n${stderr}`));
        const mark = stdout.lastIndexOf(STATUS_MARK);
        const status = Number(stdout.slice(mark + STATUS_MARK.length));
        const rest = stdout.slice(0, mark);
        const end = rest.lastIndexOf('\r\n\r\n');
        const blocks = rest.slice(0, end).split('\r\n\r\n');
        const text = rest.slice(end + 4);
        const headers: Record<string, string> = {};
        for (const line of blocks[blocks.length - 1].split('\r\n').slice(1)) {
          const i = line.indexOf(':');
          if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
        }
        const challenges = blocks.slice(0, -1).filter((b) => / 401 /.test(b.split('\r\n')[0])).length;
        resolve({ status, headers, text, body: parseBody(text), challenges });
      });
    });
  }

  async close(): Promise<void> {}
}

/** python3 requests with HTTPDigestAuth, one long-lived worker (one Session) for all calls. */
export class PythonRequestsTransport implements Transport {
  readonly name = 'python-requests';
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = '';
  private chain: Promise<unknown> = Promise.resolve();

  constructor(baseUrl: string) {
    this.child = spawn('python3', [join(REPO_ROOT, 'test', 'interop', 'requests_worker.py'), baseUrl], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(line));
    this.child.once('exit', () => {
      for (const w of this.waiting.splice(0)) w(JSON.stringify({ error: `python worker exited: ${this.stderr}` }));
    });
  }

  call(method: string, path: string, opts: CallOptions): Promise<Resp> {
    const run = async (): Promise<Resp> => {
      const line = await new Promise<string>((resolve) => {
        this.waiting.push(resolve);
        this.child.stdin.write(
          `${JSON.stringify({
            method,
            path,
            headers: opts.headers ?? {},
            body: opts.body === undefined ? null : JSON.stringify(opts.body),
            user: opts.creds?.user ?? null,
            pass: opts.creds?.pass ?? null,
          })}\n`,
        );
      });
      const r = JSON.parse(line) as { error?: string; status: number; headers: Record<string, string>; text: string; challenges: number; nonceCount: number | null };
      if (r.error) throw new Error(`python requests ${method} ${path} failed: ${r.error}`);
      return { status: r.status, headers: r.headers, text: r.text, body: parseBody(r.text), challenges: r.challenges, nonceCount: r.nonceCount };
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const done = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin.end();
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await done;
    clearTimeout(t);
  }
}

/** npm urllib 4 with `digestAuth` (challenge plus authenticated request on every call). */
export class UrllibTransport implements Transport {
  readonly name = 'urllib';
  private readonly client = new HttpClient();
  constructor(private readonly baseUrl: string) {}

  async call(method: string, path: string, opts: CallOptions): Promise<Resp> {
    const headers: Record<string, string> = { ...opts.headers };
    const r = await this.client.request<string>(this.baseUrl + path, {
      method: method as 'GET',
      headers,
      content: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      digestAuth: opts.creds ? `${opts.creds.user}:${opts.creds.pass}` : undefined,
      dataType: 'text',
      timeout: 15_000,
    });
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    return { status: r.status, headers: h, text: r.data, body: parseBody(r.data) };
  }

  async close(): Promise<void> {}
}

export type Tree = 'v1' | 'v2';

export const PREFIX: Record<Tree, string> = { v1: '/api/atlas/v1.0', v2: '/api/atlas/v2' };

/**
 * An Atlas API caller on one tree with one key: v2 calls carry the versioned Accept (and Content-Type
 * on bodies) as the Atlas SDKs send them; v1.0 calls send plain JSON.
 */
export class Atlas {
  constructor(
    readonly transport: Transport,
    readonly tree: Tree,
    readonly creds: Creds | null = BOOT,
  ) {}

  withCreds(creds: Creds | null): Atlas {
    return new Atlas(this.transport, this.tree, creds);
  }

  headers(hasBody: boolean): Record<string, string> {
    if (this.tree === 'v2') return { Accept: V2_ACCEPT, ...(hasBody ? { 'Content-Type': V2_ACCEPT } : {}) };
    return { Accept: 'application/json', ...(hasBody ? { 'Content-Type': 'application/json' } : {}) };
  }

  /** `path` is the tail after the tree prefix (e.g. `/groups`). */
  call(method: string, path: string, body?: unknown): Promise<Resp> {
    return this.transport.call(method, PREFIX[this.tree] + path, { body, creds: this.creds, headers: this.headers(body !== undefined) });
  }

  get(path: string) {
    return this.call('GET', path);
  }
  post(path: string, body?: unknown) {
    return this.call('POST', path, body);
  }
  patch(path: string, body?: unknown) {
    return this.call('PATCH', path, body);
  }
  delete(path: string) {
    return this.call('DELETE', path);
  }

  /** linkplane's admin API (not under an Atlas tree). */
  admin(method: string, path: string, body?: unknown): Promise<Resp> {
    return this.transport.call(method, `/api/linkplane/v1${path}`, {
      body,
      creds: this.creds,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    });
  }
}

/** The exact error body linkplane (like Atlas) answers with. */
export function errorBody(status: number, errorCode: string, detail: string, parameters: unknown[] = []) {
  const reasons: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 406: 'Not Acceptable', 409: 'Conflict' };
  return { detail, error: status, errorCode, parameters, reason: reasons[status] };
}

/** The body Atlas sends with its digest challenge. */
export const CHALLENGE_BODY = {
  error: 401,
  reason: 'Unauthorized',
  detail: 'You are not authorized for this resource.',
  errorCode: 'UNEXPECTED_ERROR',
};

export const CHALLENGE_HEADER = /^Digest realm="MMS Public API", domain="", nonce="[0-9a-f]{64}", algorithm=MD5, qop="auth", stale=false$/;

/** Formats a response for assertion messages. */
export function show(r: Resp): string {
  return `${r.status} ${r.text.slice(0, 500)}`;
}
