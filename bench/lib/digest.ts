import { createHash, randomBytes } from 'node:crypto';

/** The realm Atlas (and linkplane) put in every challenge; part of HA1. */
export const REALM = 'MMS Public API';

export interface DigestKey {
  publicKey: string;
  privateKey: string;
}

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

/** The `nonce` of a `WWW-Authenticate: Digest …` challenge, or undefined when there is none. */
export function challengeNonce(header: string | string[] | undefined): string | undefined {
  const h = Array.isArray(header) ? header.find((x) => /^\s*digest\s/i.test(x)) : header;
  if (!h) return undefined;
  const m = /nonce="?([^",\s]+)"?/i.exec(h);
  return m?.[1];
}

/** Case-insensitive header lookup in a plain `{name: value}` object (autocannon keeps names as sent). */
export function headerOf(headers: Record<string, unknown> | undefined, name: string): string | string[] | undefined {
  if (!headers) return undefined;
  const want = name.toLowerCase();
  for (const k of Object.keys(headers)) if (k.toLowerCase() === want) return headers[k] as string | string[];
  return undefined;
}

/**
 * One client's digest session, as curl, python-requests and the Go SDK behave: one challenge, then
 * the same nonce with nc = 00000001, 00000002, … (fresh cnonce each time), a new challenge only when
 * the server answers 401 again (stale or unknown nonce). `uri` is the request target with its query.
 */
export class DigestSession {
  readonly ha1: string;
  nonce: string | undefined;
  private nc = 0;
  private readonly cnoncePrefix = randomBytes(4).toString('hex');
  /** How many challenges this session answered (one per connection when all goes well). */
  challenges = 0;

  constructor(readonly key: DigestKey) {
    this.ha1 = md5(`${key.publicKey}:${REALM}:${key.privateKey}`);
  }

  /** Takes the nonce of a 401 challenge; resets the counter. Returns false when the header had none. */
  accept(wwwAuthenticate: string | string[] | undefined): boolean {
    const nonce = challengeNonce(wwwAuthenticate);
    if (!nonce) return false;
    this.nonce = nonce;
    this.nc = 0;
    this.challenges++;
    return true;
  }

  /** The `Authorization` value for the next request, or undefined before the first challenge. */
  authorization(method: string, uri: string): string | undefined {
    if (this.nonce === undefined) return undefined;
    this.nc++;
    const nc = this.nc.toString(16).padStart(8, '0');
    const cnonce = `${this.cnoncePrefix}${this.nc.toString(16).padStart(8, '0')}`;
    const ha2 = md5(`${method}:${uri}`);
    const response = md5(`${this.ha1}:${this.nonce}:${nc}:${cnonce}:auth:${ha2}`);
    return (
      `Digest username="${this.key.publicKey}", realm="${REALM}", nonce="${this.nonce}", uri="${uri}", ` +
      `algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"`
    );
  }
}

/** A unique AWS interface endpoint id: `vpce-` + 17 hex digits (a per-run prefix, then a counter). */
export function vpceIdFactory(): () => string {
  const prefix = randomBytes(3).toString('hex').slice(0, 5);
  let n = 0;
  return () => `vpce-${prefix}${(n++).toString(16).padStart(12, '0')}`;
}
