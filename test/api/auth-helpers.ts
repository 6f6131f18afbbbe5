/**
 * Shared helpers for the identity, conventions and auth API tests: exact Atlas error assertions,
 * hand-built digest requests (to control nonce and nc), keys with chosen roles, and a second
 * organization created straight in the store (the API cannot create organizations).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { mintApiKey } from '../../src/app/api-keys.ts';
import { newObjectId } from '../../src/domain/ids.ts';
import type { Linkplane } from '../../src/linkplane.ts';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { digest, V2_ACCEPT, type DigestRequest } from '../support/harness.ts';

export const V1 = '/api/atlas/v1.0';
export const V2 = '/api/atlas/v2';
export const V2_TYPE = 'application/vnd.atlas.2023-01-01+json;charset=utf-8';
export const BASE = 'http://localhost:80';

/** The challenge body, byte for byte as Atlas sends it. */
export const CHALLENGE_BODY =
  '{\n  "error" : 401,\n  "reason" : "Unauthorized",\n  "detail" : "You are not authorized for this resource.",\n  "errorCode" : "UNEXPECTED_ERROR"\n}';
export const CHALLENGE_HEADER = /^Digest realm="MMS Public API", domain="", nonce="([0-9a-f]{64})", algorithm=MD5, qop="auth", stale=(true|false)$/;

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  413: 'Payload Too Large',
  409: 'Conflict',
  429: 'Too Many Requests',
};

/** The exact compact Atlas error body, keys in Atlas's order. */
export function errorBody(status: number, errorCode: string, detail: string, parameters: unknown[] = []): string {
  return JSON.stringify({ detail, error: status, errorCode, parameters, reason: REASONS[status] });
}

/** Asserts an Atlas error: status, exact body, `application/json` and `X-Error-Code`. */
export function assertError(
  res: LightMyRequestResponse,
  status: number,
  errorCode: string,
  detail: string,
  parameters: unknown[] = [],
): void {
  assert.equal(res.statusCode, status, res.body);
  assert.equal(res.body, errorBody(status, errorCode, detail, parameters));
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(res.headers['x-error-code'], errorCode);
}

/** Asserts the digest challenge: 401, exact header shape and exact pretty body; returns the nonce. */
export function assertChallenge(res: LightMyRequestResponse, stale = false): string {
  assert.equal(res.statusCode, 401, res.body);
  assert.equal(res.body, CHALLENGE_BODY);
  assert.equal(res.headers['content-type'], 'application/json');
  const m = CHALLENGE_HEADER.exec(String(res.headers['www-authenticate']));
  assert.ok(m, `unexpected WWW-Authenticate: ${String(res.headers['www-authenticate'])}`);
  assert.equal(m[2], stale ? 'true' : 'false');
  return m[1];
}

export const json = (res: LightMyRequestResponse): any => JSON.parse(res.body);

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export interface SignedRequest {
  method: DigestRequest['method'];
  url: string;
  user: string;
  pass: string;
  nonce: string;
  nc?: string;
  cnonce?: string;
  body?: unknown;
  headers?: Record<string, string>;
  remoteAddress?: string;
}

/** The Authorization header curl would send for `r` (uri = `r.uri` if given, else the request target). */
export function digestAuthorization(r: SignedRequest & { uri?: string }): string {
  const nc = r.nc ?? '00000001';
  const cnonce = r.cnonce ?? randomBytes(8).toString('hex');
  const uri = r.uri ?? r.url;
  const ha1 = md5(`${r.user}:MMS Public API:${r.pass}`);
  const ha2 = md5(`${r.method}:${uri}`);
  const response = md5(`${ha1}:${r.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${r.user}", realm="MMS Public API", nonce="${r.nonce}", uri="${uri}", cnonce="${cnonce}", nc=${nc}, qop=auth, response="${response}", algorithm=MD5`;
}

/** One request signed for a given nonce and nc (no challenge round trip). */
export function signed(app: FastifyInstance, r: SignedRequest): Promise<LightMyRequestResponse> {
  const authorization = digestAuthorization(r);
  const payload = r.body === undefined ? undefined : JSON.stringify(r.body);
  return app.inject({
    method: r.method,
    url: r.url,
    remoteAddress: r.remoteAddress ?? '127.0.0.1',
    headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...r.headers, authorization },
    payload,
  });
}

/** A fresh nonce from an unauthenticated request's challenge. */
export async function freshNonce(app: FastifyInstance, url = `${V1}/orgs`): Promise<string> {
  return assertChallenge(await app.inject({ method: 'GET', url }));
}

export interface Key {
  id: string;
  publicKey: string;
  privateKey: string;
}

/** Credentials for `digest()`. */
export const as = (k: Key) => ({ user: k.publicKey, pass: k.privateKey });

/** A v2 request through the harness, optionally as another key. */
export function call(app: FastifyInstance, r: DigestRequest, key?: Key): Promise<LightMyRequestResponse> {
  return digest(app, { ...r, ...(key ? as(key) : {}), headers: { accept: V2_ACCEPT, ...r.headers } });
}

/** Creates an organization API key through the API (as the bootstrap key). */
export async function createOrgKey(app: FastifyInstance, orgId: string, roles: string[], desc = 'test key'): Promise<Key> {
  const res = await call(app, { method: 'POST', url: `${V2}/orgs/${orgId}/apiKeys`, body: { desc, roles } });
  assert.equal(res.statusCode, 200, res.body);
  const b = json(res);
  return { id: b.id, publicKey: b.publicKey, privateKey: b.privateKey };
}

/** Grants project roles to a key through the API (as the bootstrap key). */
export async function grant(app: FastifyInstance, projectId: string, keyId: string, roles: string[]): Promise<void> {
  const res = await call(app, { method: 'POST', url: `${V2}/groups/${projectId}/apiKeys/${keyId}`, body: [{ roles }] });
  assert.equal(res.statusCode, 204, res.body);
}

/** Creates a project through the API (as the bootstrap key) and returns its id. */
export async function createProject(app: FastifyInstance, orgId: string, name: string): Promise<string> {
  const res = await call(app, { method: 'POST', url: `${V2}/groups`, body: { name, orgId } });
  assert.equal(res.statusCode, 201, res.body);
  return json(res).id;
}

/**
 * A second organization, inserted in the store directly, with an ORG_OWNER key and one project.
 * Only the SQLite store is used by these tests.
 */
export async function secondOrg(lp: Linkplane, now: number, name = 'other-org'): Promise<{ orgId: string; key: Key; projectId: string }> {
  const orgId = newObjectId(now);
  // The API cannot create organizations: insert the row directly, in whichever engine the test runs on.
  if (lp.store instanceof PostgresStore) await lp.store.pool.query('INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)', [orgId, name, now]);
  else (lp.store as SqliteStore).db.prepare('INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)').run(orgId, name, now);
  const { key, privateKey } = mintApiKey(orgId, 'other org owner', ['ORG_OWNER'], now);
  await lp.store.insertApiKey(key);
  const projectId = newObjectId(now);
  const ok = await lp.store.insertProject({
    id: projectId,
    orgId,
    name: 'other-project',
    createdAt: now,
    tags: [],
    withDefaultAlertsSettings: true,
    regionalModeEnabled: false,
  });
  assert.equal(ok, true);
  return { orgId, key: { id: key.id, publicKey: key.publicKey, privateKey }, projectId };
}
