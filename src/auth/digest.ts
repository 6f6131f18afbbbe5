import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The realm Atlas puts in every Digest challenge. It is part of HA1, so changing it would
 * invalidate every stored HA1 and break clients that cache credentials per realm.
 */
export const REALM = 'MMS Public API';

/**
 * The directives of an `Authorization: Digest …` header, as sent (quotes removed, escapes resolved).
 *
 * Invariant: `username`, `realm`, `nonce`, `uri` and `response` are always non-empty strings;
 * the optional directives are present only when the client sent them. Values are not validated
 * beyond that: {@link verifyResponse} decides whether they are acceptable.
 */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  algorithm?: string;
  opaque?: string;
}

const MAX_HEADER_LENGTH = 65536;

const TOKEN_CHAR = (() => {
  const table = new Uint8Array(128);
  const extra = "!#$%&'*+-.^_`|~";
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1;
  for (const ch of extra) table[ch.charCodeAt(0)] = 1;
  return table;
})();

function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN_CHAR[code] === 1;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

function parseDirectives(header: string): Map<string, string> | null {
  const n = header.length;
  let i = 0;
  while (i < n && isWhitespace(header.charCodeAt(i))) i++;
  const schemeStart = i;
  while (i < n && isTokenChar(header.charCodeAt(i))) i++;
  if (header.slice(schemeStart, i).toLowerCase() !== 'digest') return null;
  if (i >= n || !isWhitespace(header.charCodeAt(i))) return null;

  const out = new Map<string, string>();
  for (;;) {
    while (i < n) {
      const c = header.charCodeAt(i);
      if (isWhitespace(c) || c === 0x2c) i++;
      else break;
    }
    if (i >= n) return out;

    const nameStart = i;
    while (i < n && isTokenChar(header.charCodeAt(i))) i++;
    if (i === nameStart) return null;
    const name = header.slice(nameStart, i).toLowerCase();
    while (i < n && isWhitespace(header.charCodeAt(i))) i++;
    if (i >= n || header.charCodeAt(i) !== 0x3d) return null;
    i++;
    while (i < n && isWhitespace(header.charCodeAt(i))) i++;
    if (i >= n) return null;

    let value: string;
    if (header.charCodeAt(i) === 0x22) {
      i++;
      let buf = '';
      let chunkStart = i;
      let closed = false;
      while (i < n) {
        const c = header.charCodeAt(i);
        if (c === 0x5c) {
          if (i + 1 >= n) return null;
          buf += header.slice(chunkStart, i) + header[i + 1];
          i += 2;
          chunkStart = i;
        } else if (c === 0x22) {
          buf += header.slice(chunkStart, i);
          i++;
          closed = true;
          break;
        } else {
          i++;
        }
      }
      if (!closed) return null;
      value = buf;
    } else {
      const valueStart = i;
      while (i < n) {
        const c = header.charCodeAt(i);
        if (c === 0x2c || isWhitespace(c)) break;
        if (c === 0x22 || c === 0x5c || c === 0x3d) return null;
        i++;
      }
      value = header.slice(valueStart, i);
    }

    if (out.has(name)) return null;
    out.set(name, value);

    while (i < n && isWhitespace(header.charCodeAt(i))) i++;
    if (i >= n) return out;
    if (header.charCodeAt(i) !== 0x2c) return null;
  }
}

/**
 * Parses an `Authorization` header carrying Digest credentials.
 *
 * Accepts every form real clients send (see ATLAS-API.md Part 4): scheme in any case, directive
 * values quoted or bare (`qop`, `nc`, `algorithm` arrive both ways; axios quotes `nc`), `,` with or
 * without whitespace, any order, backslash escapes inside quoted strings, unknown directives ignored.
 *
 * Returns `null` for any other scheme, malformed syntax (unbalanced quotes, stray characters),
 * duplicated directives, control characters, headers over 64 KiB, or when any of `username`,
 * `realm`, `nonce`, `uri`, `response` is missing or empty. Never throws, whatever the input
 * (including non-strings at runtime), and runs in time linear in the header length.
 */
export function parseDigestAuthorization(header: string): DigestCredentials | null {
  try {
    if (typeof header !== 'string' || header.length === 0 || header.length > MAX_HEADER_LENGTH) return null;
    if (hasControlChar(header)) return null;
    const d = parseDirectives(header);
    if (d === null) return null;
    const username = d.get('username');
    const realm = d.get('realm');
    const nonce = d.get('nonce');
    const uri = d.get('uri');
    const response = d.get('response');
    if (!username || !realm || !nonce || !uri || !response) return null;
    const creds: DigestCredentials = { username, realm, nonce, uri, response };
    for (const key of ['qop', 'nc', 'cnonce', 'algorithm', 'opaque'] as const) {
      const v = d.get(key);
      if (v !== undefined) creds[key] = v;
    }
    return creds;
  } catch {
    return null;
  }
}

function md5Hex(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex');
}

/**
 * HA1 = hex MD5 of `username:realm:password` (RFC 2617 §3.2.2.2, algorithm MD5).
 *
 * This is what an API key stores instead of its private key: it is enough to verify responses
 * for this realm only, and it is lowercase hex of 32 characters.
 */
export function computeHa1(username: string, realm: string, password: string): string {
  return md5Hex(`${username}:${realm}:${password}`);
}

const HEX32 = /^[0-9a-fA-F]{32}$/;

/**
 * Checks the `response` directive against the expected digest for `method` and the stored `ha1`.
 *
 * Only MD5 is accepted (`algorithm` absent or `MD5` in any case); `MD5-sess`, SHA-256 and the like
 * return false. With `qop=auth` the expected value is MD5(HA1:nonce:nc:cnonce:auth:HA2) and `nc`,
 * `cnonce` must be present; without `qop` (RFC 2069) it is MD5(HA1:nonce:HA2); any other `qop`
 * (e.g. `auth-int`) returns false. HA2 = MD5(method:uri) over the `uri` directive exactly as sent;
 * matching it to the request target is {@link uriMatchesRequest}'s job. The realm is bound through
 * HA1, so a header naming another realm fails. The comparison is constant-time; never throws.
 *
 * Passing does not check nonce freshness or replays: callers must also use {@link NonceService}
 * and {@link ReplayGuard}.
 */
export function verifyResponse(creds: DigestCredentials, method: string, ha1: string): boolean {
  try {
    if (typeof ha1 !== 'string' || !HEX32.test(ha1)) return false;
    if (typeof creds.response !== 'string' || !HEX32.test(creds.response)) return false;
    if (creds.algorithm !== undefined && creds.algorithm.toLowerCase() !== 'md5') return false;
    const ha1l = ha1.toLowerCase();
    const ha2 = md5Hex(`${method}:${creds.uri}`);
    let expected: string;
    if (creds.qop === undefined) {
      expected = md5Hex(`${ha1l}:${creds.nonce}:${ha2}`);
    } else if (creds.qop === 'auth') {
      if (!creds.nc || !creds.cnonce) return false;
      expected = md5Hex(`${ha1l}:${creds.nonce}:${creds.nc}:${creds.cnonce}:auth:${ha2}`);
    } else {
      return false;
    }
    return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(creds.response, 'hex'));
  } catch {
    return false;
  }
}

const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

function originForm(target: string): string {
  let s = target;
  const hash = s.indexOf('#');
  if (hash !== -1) s = s.slice(0, hash);
  const scheme = ABSOLUTE_URI.exec(s);
  if (scheme !== null) {
    const rest = s.slice(scheme[0].length);
    let cut = rest.length;
    for (const ch of ['/', '?']) {
      const k = rest.indexOf(ch);
      if (k !== -1 && k < cut) cut = k;
    }
    s = rest.slice(cut);
    if (s === '' || s.startsWith('?')) s = `/${s}`;
  }
  if (s.endsWith('?') && s.indexOf('?') === s.length - 1) s = s.slice(0, -1);
  return s;
}

/**
 * Whether the `uri` directive designates the request target, so a digest computed for one URL
 * cannot be used on another path.
 *
 * Accepts `uri` equal to the request's `path?query` or to its bare `path` (axios-digest-auth drops
 * the query). Any `#fragment` (digest-fetch sends it) is ignored, a bare trailing `?` is ignored,
 * and absolute-URI forms (`http://host/path?q`) on either side are reduced to their path and query.
 * No other normalisation (percent-decoding, dot segments) is done: clients send the request target
 * verbatim. Empty or non-string inputs return false; never throws.
 */
export function uriMatchesRequest(uriDirective: string, requestUrl: string): boolean {
  try {
    if (typeof uriDirective !== 'string' || typeof requestUrl !== 'string') return false;
    if (uriDirective === '' || requestUrl === '') return false;
    const uri = originForm(uriDirective);
    const req = originForm(requestUrl);
    if (uri === '') return false;
    if (uri === req) return true;
    const q = req.indexOf('?');
    return q !== -1 && uri === req.slice(0, q);
  } catch {
    return false;
  }
}

const NONCE_BYTES = 32;
const NONCE_HEX = /^[0-9a-f]{64}$/;
const NONCE_LABEL = Buffer.from('linkplane/digest-nonce/v1\0', 'utf8');
const DEFAULT_CLOCK_SKEW_MS = 5000;

/**
 * Stateless, signed Digest nonces: any node holding the shared secret can verify a nonce another
 * node issued, with no shared storage.
 *
 * A nonce is 64 lowercase hex characters: 8-byte big-endian issue time (ms), 8 random bytes and the
 * first 16 bytes of HMAC-SHA256(secret, label ‖ time ‖ random). Hex keeps it free of `=`, `,`,
 * quotes and spaces, which urllib and axios-digest-auth mangle. Freshness is bounded by `ttlMs`;
 * single use is not enforced here (see {@link ReplayGuard}).
 *
 * `clockSkewMs` (default 5000) is how far in the future an issue time may be, to absorb clock
 * differences between nodes; the secret must be at least 16 bytes.
 */
const VERIFIED_CACHE_MAX = 10_000;

export class NonceService {
  readonly #secret: Buffer;
  readonly #ttlMs: number;
  readonly #skewMs: number;
  readonly #now: () => number;
  /** Issue times of nonces whose MAC already verified: clients reuse a nonce for many requests. */
  readonly #verified = new Map<string, number>();

  constructor(secret: Buffer, opts: { ttlMs: number; now?: () => number; clockSkewMs?: number }) {
    if (!Buffer.isBuffer(secret) || secret.length < 16) {
      throw new RangeError('NonceService secret must be a Buffer of at least 16 bytes');
    }
    if (!Number.isFinite(opts.ttlMs) || opts.ttlMs <= 0) {
      throw new RangeError('NonceService ttlMs must be a positive finite number');
    }
    const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
    if (!Number.isFinite(skew) || skew < 0) {
      throw new RangeError('NonceService clockSkewMs must be a non-negative finite number');
    }
    this.#secret = Buffer.from(secret);
    this.#ttlMs = opts.ttlMs;
    this.#skewMs = skew;
    this.#now = opts.now ?? Date.now;
  }

  #mac(body: Buffer): Buffer {
    return createHmac('sha256', this.#secret).update(NONCE_LABEL).update(body).digest().subarray(0, 16);
  }

  /** Issues a fresh nonce stamped with the current time; 64 lowercase hex characters. */
  issue(): string {
    const body = Buffer.alloc(16);
    body.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(this.#now()))), 0);
    randomBytes(8).copy(body, 8);
    return Buffer.concat([body, this.#mac(body)]).toString('hex');
  }

  /**
   * `'invalid'` for anything this service (or one sharing its secret) did not issue, or whose issue
   * time lies more than the clock skew in the future; `'stale'` for an authentic nonce older than
   * `ttlMs`, so the caller can answer `stale=true` and the client retries without re-prompting;
   * otherwise `'valid'`. The MAC is compared in constant time; never throws.
   */
  check(nonce: string): 'valid' | 'stale' | 'invalid' {
    try {
      let issuedAt = this.#verified.get(nonce);
      if (issuedAt === undefined) {
        if (typeof nonce !== 'string' || !NONCE_HEX.test(nonce)) return 'invalid';
        const raw = Buffer.from(nonce, 'hex');
        if (raw.length !== NONCE_BYTES) return 'invalid';
        const body = raw.subarray(0, 16);
        if (!timingSafeEqual(this.#mac(body), raw.subarray(16))) return 'invalid';
        issuedAt = Number(body.readBigUInt64BE(0));
        if (this.#verified.size >= VERIFIED_CACHE_MAX) this.#verified.clear();
        this.#verified.set(nonce, issuedAt);
      }
      const age = this.#now() - issuedAt;
      if (age < -this.#skewMs) return 'invalid';
      if (age > this.#ttlMs) return 'stale';
      return 'valid';
    } catch {
      return 'invalid';
    }
  }
}

const BUCKETS_PER_TTL = 16;
const DEFAULT_MAX_ENTRIES = 100_000;
const MAX_RAW_KEY_LENGTH = 256;

/**
 * Refuses a replayed `(nonce, nc)` pair while allowing everything real clients do: reusing a nonce
 * with a new `nc` (python requests, digest-fetch), a fresh nonce with a large `nc` (urllib's
 * process-global counter), and `nc` values arriving out of order from concurrent requests. Only an
 * exact repeat is refused; an absent `nc` (RFC 2069) is the empty string, making such nonces
 * single-use. Since `nc` and `nonce` are inside the response hash, a replay with an altered pair
 * would not verify anyway, so exact-pair tracking suffices.
 *
 * Invariants: a pair is remembered for at least `ttlMs` after it was first used (pass a ttl no
 * shorter than the nonce ttl plus clock skew); memory is bounded by `maxEntries` (default 100 000)
 * entries of at most ~300 bytes each, the oldest evicted first when full; expired entries are
 * dropped in whole time buckets (about 17 live at once), so each call costs a small constant number
 * of set operations. Call {@link ReplayGuard.use} only after the
 * response verified, so that only authenticated clients can fill the table. State is per process:
 * with several nodes, a replay sent to another node within the ttl is not detected.
 */
export class ReplayGuard {
  readonly #ttlMs: number;
  readonly #widthMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #buckets = new Map<number, Set<string>>();
  #size = 0;

  constructor(opts: { ttlMs: number; now?: () => number; maxEntries?: number }) {
    if (!Number.isFinite(opts.ttlMs) || opts.ttlMs <= 0) {
      throw new RangeError('ReplayGuard ttlMs must be a positive finite number');
    }
    const max = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError('ReplayGuard maxEntries must be a positive integer');
    }
    this.#ttlMs = opts.ttlMs;
    this.#widthMs = Math.max(1, Math.ceil(opts.ttlMs / BUCKETS_PER_TTL));
    this.#maxEntries = max;
    this.#now = opts.now ?? Date.now;
  }

  /** Number of `(nonce, nc)` pairs currently remembered; never exceeds `maxEntries`. */
  get size(): number {
    return this.#size;
  }

  /** True the first time `(nonce, nc)` is seen within the ttl, false on a replay. */
  use(nonce: string, nc: string): boolean {
    const now = this.#now();
    this.#sweep(now);
    const key = pairKey(String(nonce), nc === undefined || nc === null ? '' : String(nc));
    for (const set of this.#buckets.values()) if (set.has(key)) return false;
    while (this.#size >= this.#maxEntries && this.#evictOldest());
    const index = Math.floor(now / this.#widthMs);
    let bucket = this.#buckets.get(index);
    if (bucket === undefined) {
      bucket = new Set();
      this.#buckets.set(index, bucket);
    }
    bucket.add(key);
    this.#size++;
    return true;
  }

  #sweep(now: number): void {
    for (const [index, set] of this.#buckets) {
      if ((index + 1) * this.#widthMs + this.#ttlMs <= now) {
        this.#size -= set.size;
        this.#buckets.delete(index);
      }
    }
  }

  #evictOldest(): boolean {
    let oldest: number | undefined;
    for (const index of this.#buckets.keys()) if (oldest === undefined || index < oldest) oldest = index;
    if (oldest === undefined) return false;
    const set = this.#buckets.get(oldest)!;
    const first = set.values().next();
    if (!first.done) {
      set.delete(first.value);
      this.#size--;
    }
    if (set.size === 0) this.#buckets.delete(oldest);
    return true;
  }
}

function pairKey(nonce: string, nc: string): string {
  const raw = `${nonce.length}:${nonce}:${nc}`;
  if (raw.length <= MAX_RAW_KEY_LENGTH) return `r${raw}`;
  return `h${createHash('sha256').update(raw, 'utf8').digest('base64')}`;
}

const CHALLENGE_NONCE = /^[A-Za-z0-9._~+/-]+$/;

/**
 * The `WWW-Authenticate` value Atlas sends, byte for byte apart from the nonce:
 * `Digest realm="MMS Public API", domain="", nonce="<nonce>", algorithm=MD5, qop="auth", stale=false`.
 * `algorithm` and `stale` stay unquoted as Atlas sends them, and no `opaque` is offered since
 * axios-digest-auth does not echo it. Throws a TypeError if the nonce holds characters that could
 * break header syntax or client parsers (anything outside base64/base64url/hex).
 */
export function challengeHeader(nonce: string, stale: boolean): string {
  if (typeof nonce !== 'string' || !CHALLENGE_NONCE.test(nonce)) {
    throw new TypeError('challengeHeader nonce must be non-empty base64, base64url or hex');
  }
  return `Digest realm="${REALM}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale ? 'true' : 'false'}`;
}
