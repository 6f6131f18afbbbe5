/**
 * Several real `linkplane serve` processes on one PostgreSQL database, and a digest client that
 * spreads its requests over them. For the multi-node end-to-end tests (not a test file itself).
 *
 * - `startCluster(n, opts)`: n nodes (own ports, same database and bootstrap key, distinct node ids),
 *   each waited for until GET /health answers 200; `stop` (SIGTERM), `kill9`, `pause` (SIGSTOP).
 *   Children still alive when the test process exits are SIGKILLed.
 * - `DigestClient`: sends each request to the next live node in turn. In `challenge-per-request`
 *   mode it takes the nonce from one node's 401 and sends the authorized request to the next node;
 *   in `reuse-nonce` mode it behaves like python-requests' HTTPDigestAuth (one nonce, nc 1, 2, 3, …,
 *   a new challenge only when a 401 comes back).
 */
import { createHash, randomBytes } from 'node:crypto';
import { BOOT_PRIVATE, BOOT_PUBLIC, delay, startServer, V2_ACCEPT, type ServerProcess } from './process.ts';

export { BOOT_PRIVATE, BOOT_PUBLIC, V2_ACCEPT, delay, pollUntil } from './process.ts';
export const REALM = 'MMS Public API';

// ---- processes -------------------------------------------------------------------------------------

/** One node: a spawned `linkplane serve` (see process.ts) with its node id. */
export interface NodeProcess extends ServerProcess {
  readonly nodeId: string;
}

export interface NodeOptions {
  db: string;
  nodeId: string;
  /** Environment on top of the defaults (LINKPLANE_* of a quiet, fast test node). */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

/** Spawns one node and waits for /health; a start that lost its port race is retried. */
export async function startNode(o: NodeOptions): Promise<NodeProcess> {
  const proc = await startServer({ db: o.db, env: { LINKPLANE_NODE_ID: o.nodeId, ...o.env }, startTimeoutMs: o.startTimeoutMs ?? 30_000 });
  return Object.assign(proc, { nodeId: o.nodeId });
}

export interface Cluster {
  readonly nodes: readonly NodeProcess[];
  alive(): NodeProcess[];
  /** Every node's output, labelled (for failure messages). */
  outputs(): string;
  /** SIGTERM to every live node at once; resolves with each node's exit code or signal. */
  stopAll(): Promise<(number | string | null)[]>;
}

/** Starts `n` nodes at once on one database (they race for migrations and bootstrap, as in production). */
export async function startCluster(n: number, o: { db: string; env?: Record<string, string>; idPrefix?: string }): Promise<Cluster> {
  const started = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => startNode({ db: o.db, nodeId: `${o.idPrefix ?? 'node'}-${String.fromCharCode(97 + i)}`, env: o.env })),
  );
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(nodes.map((x) => x.kill9()));
    throw (failed as PromiseRejectedResult).reason;
  }
  return {
    nodes,
    alive: () => nodes.filter((x) => !x.exited),
    outputs: () => nodes.map((x) => `--- ${x.nodeId} (pid ${x.pid}${x.exited ? ', exited' : ''}) ---\n${x.output()}`).join('\n'),
    stopAll: () => Promise.all(nodes.map((x) => x.stop())),
  };
}

// ---- digest client ---------------------------------------------------------------------------------

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export interface Res {
  /** HTTP status; 0 when no response came back (connection refused or reset, timeout). */
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers | undefined;
  /** The node that answered (or failed to). */
  node: string;
  error?: string;
}

export type DigestMode = 'challenge-per-request' | 'reuse-nonce';

export interface DigestClientOptions {
  user?: string;
  pass?: string;
  mode?: DigestMode;
  /** Per HTTP exchange (a paused node never answers). */
  timeoutMs?: number;
}

/**
 * A digest client over several nodes: every HTTP exchange (challenge or authorized request) goes to
 * the next live node in turn, so a challenge answered at one node is always answered at another.
 * Keeps a tally of every status code it received, per node.
 */
export class DigestClient {
  private turn = 0;
  private nonce: string | undefined;
  private nc = 0;
  readonly mode: DigestMode;
  /** `${node} ${status}` → count, over every exchange including challenges. */
  readonly tally = new Map<string, number>();
  /** Every 5xx response received, for the "no 500" check. */
  readonly serverErrors: { node: string; method: string; path: string; status: number; body: unknown }[] = [];

  constructor(
    private readonly nodes: () => readonly NodeProcess[],
    private readonly o: DigestClientOptions = {},
  ) {
    this.mode = o.mode ?? 'challenge-per-request';
  }

  /** The next live node, round robin. */
  next(): NodeProcess {
    const alive = this.nodes().filter((n) => !n.exited);
    if (alive.length === 0) throw new Error('no live node');
    return alive[this.turn++ % alive.length]!;
  }

  private count(node: string, status: number): void {
    const k = `${node} ${status}`;
    this.tally.set(k, (this.tally.get(k) ?? 0) + 1);
  }

  /** One HTTP exchange with one node. */
  async send(node: NodeProcess, method: string, path: string, init: { body?: unknown; authorization?: string; accept?: string } = {}): Promise<Res> {
    const headers: Record<string, string> = { accept: init.accept ?? (path.startsWith('/api/atlas/v2') ? V2_ACCEPT : 'application/json') };
    if (init.authorization) headers.authorization = init.authorization;
    let payload: string | undefined;
    if (init.body !== undefined) {
      payload = JSON.stringify(init.body);
      headers['content-type'] = 'application/json';
    }
    try {
      const r = await fetch(node.baseUrl + path, { method, headers, body: payload, signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000) });
      const text = await r.text();
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        /* not JSON */
      }
      this.count(node.nodeId, r.status);
      if (r.status >= 500) this.serverErrors.push({ node: node.nodeId, method, path, status: r.status, body });
      return { status: r.status, body, headers: r.headers, node: node.nodeId };
    } catch (e) {
      this.count(node.nodeId, 0);
      const err = e as Error & { cause?: { code?: string } };
      return { status: 0, body: undefined, headers: undefined, node: node.nodeId, error: err.cause?.code ?? err.name ?? String(e) };
    }
  }

  /** Asks the next live node for a challenge (skipping nodes that do not answer); returns the nonce and who gave it. */
  async challenge(path = '/api/atlas/v2/orgs'): Promise<{ nonce: string; node: string; header: string }> {
    let last: Res | undefined;
    for (let i = 0; i < 6; i++) {
      const node = this.next();
      const r = await this.send(node, 'GET', path);
      const header = r.headers?.get('www-authenticate') ?? '';
      const nonce = /nonce="([^"]+)"/.exec(header)?.[1];
      if (r.status === 401 && nonce) return { nonce, node: node.nodeId, header };
      last = r;
    }
    throw new Error(`no digest challenge from any node (last: ${last?.status} ${last?.error ?? ''})`);
  }

  /**
   * The Authorization header for (method, uri) under `nonce` with count `nc`, as curl sends it
   * (`style: 'curl'`) or as python-requests' HTTPDigestAuth does (`style: 'requests'`: quoted
   * algorithm and qop, cnonce from sha1).
   */
  authorization(method: string, uri: string, nonce: string, nc: number, style: 'curl' | 'requests' = 'curl'): string {
    const user = this.o.user ?? BOOT_PUBLIC;
    const pass = this.o.pass ?? BOOT_PRIVATE;
    const ncHex = nc.toString(16).padStart(8, '0');
    const cnonce =
      style === 'requests'
        ? createHash('sha1').update(`${nc}${nonce}${new Date().toString()}${randomBytes(8).toString('hex')}`).digest('hex').slice(0, 16)
        : randomBytes(8).toString('hex');
    const ha1 = md5(`${user}:${REALM}:${pass}`);
    const ha2 = md5(`${method}:${uri}`);
    const response = md5(`${ha1}:${nonce}:${ncHex}:${cnonce}:auth:${ha2}`);
    return style === 'requests'
      ? `Digest username="${user}", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm="MD5", qop="auth", nc=${ncHex}, cnonce="${cnonce}"`
      : `Digest username="${user}", realm="${REALM}", nonce="${nonce}", uri="${uri}", cnonce="${cnonce}", nc=${ncHex}, qop=auth, response="${response}", algorithm=MD5`;
  }

  /**
   * One authenticated request. `challenge-per-request`: challenge from one node, answer at the next.
   * `reuse-nonce`: the shared nonce with the next nc, to the next node; on a 401 (first use, stale or
   * refused) one fresh challenge and one retry, as python-requests does.
   */
  async request(method: string, path: string, body?: unknown): Promise<Res> {
    if (this.mode === 'challenge-per-request') {
      const { nonce } = await this.challenge();
      return this.send(this.next(), method, path, { body, authorization: this.authorization(method, path, nonce, 1) });
    }
    for (let attempt = 0; ; attempt++) {
      if (this.nonce === undefined) {
        this.nonce = (await this.challenge()).nonce;
        this.nc = 0;
      }
      const nonce = this.nonce;
      const auth = this.authorization(method, path, nonce, ++this.nc, 'requests');
      const r = await this.send(this.next(), method, path, { body, authorization: auth });
      if (r.status !== 401 || attempt > 0) return r;
      const fresh = /nonce="([^"]+)"/.exec(r.headers?.get('www-authenticate') ?? '')?.[1];
      if (this.nonce === nonce) {
        this.nonce = fresh;
        this.nc = 0;
      }
    }
  }

  /** Sum of the tally per node (how many exchanges each node answered, failures included). */
  perNode(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.tally) {
      const node = k.split(' ')[0]!;
      out[node] = (out[node] ?? 0) + v;
    }
    return out;
  }
}
