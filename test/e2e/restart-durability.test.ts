import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { Atlas, BOOT, errorBody, show, UrllibTransport, type Creds, type Resp } from '../interop/transports.ts';
import { pollUntil, startServer, tempDb, type ServerProcess } from '../support/process.ts';

/**
 * Everything a client was told was done survives `kill -9`: the process is killed right after the
 * last acknowledged response and restarted on the same SQLite file; every write is there, the
 * lifecycles resume where they stopped, and the bootstrap organization is not created a second time.
 */

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const UNAUTHORIZED = errorBody(401, 'USER_UNAUTHORIZED', 'Current user is not authorized to perform this action.');
const VPCE = 'vpce-0123456789abcdef0';

let db: string;
let cleanupDb: () => void;
const servers: ServerProcess[] = [];

before(() => {
  const t = tempDb();
  db = t.db;
  cleanupDb = t.cleanup;
});

after(async () => {
  for (const s of servers) await s.stop();
  cleanupDb?.();
});

async function start(): Promise<{ server: ServerProcess; api: Atlas }> {
  const server = await startServer({ db });
  servers.push(server);
  return { server, api: new Atlas(new UrllibTransport(server.baseUrl), 'v2', BOOT) };
}

function expectStatus(r: Resp, status: number): Resp {
  assert.equal(r.status, status, show(r));
  return r;
}

/** A request authorised with a nonce taken from another process's challenge (computed here). */
async function withNonce(baseUrl: string, nonce: string, path: string): Promise<Response> {
  const cnonce = randomBytes(8).toString('hex');
  const ha1 = md5(`${BOOT.user}:MMS Public API:${BOOT.pass}`);
  const response = md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${md5(`GET:${path}`)}`);
  return fetch(baseUrl + path, {
    headers: {
      Accept: 'application/vnd.atlas.2023-01-01+json',
      Authorization: `Digest username="${BOOT.user}", realm="MMS Public API", nonce="${nonce}", uri="${path}", cnonce="${cnonce}", nc=00000001, qop=auth, response="${response}", algorithm=MD5`,
    },
  });
}

/** Polls a GET until `done` holds for its response. */
function waitFor(api: Atlas, path: string, what: string, done: (r: Resp) => boolean): Promise<Resp> {
  let last: Resp | undefined;
  return pollUntil(
    what,
    async () => {
      last = await api.get(path);
      return done(last) ? last : undefined;
    },
    { timeoutMs: 5000, intervalMs: 10, describe: () => (last ? show(last) : 'no response') },
  );
}

function countRows(table: string): number {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (conn.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    conn.close();
  }
}

test('acknowledged writes survive kill -9 and restarts on the same SQLite file', async () => {
  // ---- first life: write through HTTP, then kill -9 right after the last acknowledgement ----
  const first = await start();
  let api = first.api;
  const org = expectStatus(await api.get('/orgs'), 200).body.results[0].id as string;
  const project = expectStatus(await api.post('/groups', { name: 'durable-project', orgId: org }), 201).body;
  const g = project.id as string;
  const pe = `/groups/${g}/privateEndpoint`;

  const key = expectStatus(await api.post(`/orgs/${org}/apiKeys`, { desc: 'durable key', roles: ['ORG_MEMBER'] }), 200).body;
  expectStatus(await api.post(`/groups/${g}/apiKeys/${key.id}`, [{ roles: ['GROUP_READ_ONLY'] }]), 204);
  const creds: Creds = { user: key.publicKey, pass: key.privateKey };

  const rule = expectStatus(
    await api.admin('POST', '/sim/faults', {
      provider: 'GCP',
      kind: 'endpointService',
      match: { region: 'CENTRAL_US' },
      outcome: 'FAILED',
      errorMessage: 'durable fault',
    }),
    201,
  ).body;

  const aws = expectStatus(await api.post(`${pe}/endpointService`, { providerName: 'AWS', region: 'us-east-1' }), 201).body;
  const available = await waitFor(api, `${pe}/AWS/endpointService/${aws.id}`, 'AWS service AVAILABLE', (r) => r.body?.status === 'AVAILABLE');

  // a nonce issued by the first process, to be answered to the second one
  const challenge = await fetch(`${first.server.baseUrl}/api/atlas/v2/groups/${g}`);
  await challenge.arrayBuffer();
  const nonce = /nonce="([0-9a-f]+)"/.exec(challenge.headers.get('www-authenticate') ?? '')![1];

  // the last writes, back to back, then kill -9 with no pause
  const endpoint = expectStatus(await api.post(`${pe}/AWS/endpointService/${aws.id}/endpoint`, { id: VPCE }), 201).body;
  assert.equal(endpoint.connectionStatus, 'PENDING_ACCEPTANCE');
  const azure = expectStatus(await api.post(`${pe}/endpointService`, { providerName: 'AZURE', region: 'EUROPE_NORTH' }), 201).body;
  expectStatus(await api.delete(`${pe}/AZURE/endpointService/${azure.id}`), 202);
  expectStatus(await api.patch(`/groups/${g}`, { name: 'durable-project-renamed' }), 200);
  await first.server.kill9();
  assert.equal(first.server.child.signalCode, 'SIGKILL');

  // ---- second life on the same file ----
  const second = await start();
  api = second.api;

  const orgs = expectStatus(await api.get('/orgs'), 200).body;
  assert.equal(orgs.totalCount, 1);
  assert.equal(orgs.results[0].id, org, 'the bootstrap organization is the same one');
  const keys = expectStatus(await api.get(`/orgs/${org}/apiKeys`), 200).body;
  assert.deepEqual(
    keys.results.map((k: { publicKey: string }) => k.publicKey).sort(),
    [BOOT.user, key.publicKey].sort(),
    'the bootstrap key was not minted again',
  );

  // the digest secret lives in the store: the dead process's nonce still verifies
  const reused = await withNonce(second.server.baseUrl, nonce, `/api/atlas/v2/groups/${g}`);
  assert.equal(reused.status, 200, await reused.clone().text());
  assert.equal(((await reused.json()) as { id: string }).id, g);

  const p = expectStatus(await api.get(`/groups/${g}`), 200).body;
  assert.equal(p.name, 'durable-project-renamed');
  assert.equal(p.created, project.created);
  assert.equal(p.orgId, org);

  const k = expectStatus(await api.get(`/orgs/${org}/apiKeys/${key.id}`), 200).body;
  assert.equal(k.desc, 'durable key');
  assert.deepEqual(k.roles, [
    { orgId: org, roleName: 'ORG_MEMBER' },
    { groupId: g, roleName: 'GROUP_READ_ONLY' },
  ]);
  const ro = api.withCreds(creds);
  assert.equal(expectStatus(await ro.get(`/groups/${g}`), 200).body.id, g);
  assert.deepEqual(expectStatus(await ro.patch(`/groups/${g}`, { name: 'x' }), 401).body, UNAUTHORIZED);

  assert.deepEqual(expectStatus(await api.admin('GET', '/sim/faults'), 200).body, { results: [rule], totalCount: 1 });

  // the service is as it was acknowledged, and the endpoint's lifecycle resumes to AVAILABLE
  const svc = expectStatus(await api.get(`${pe}/AWS/endpointService/${aws.id}`), 200).body;
  assert.deepEqual(svc, { ...available.body, interfaceEndpoints: [VPCE] });
  const ep = await waitFor(api, `${pe}/AWS/endpointService/${aws.id}/endpoint/${VPCE}`, 'endpoint AVAILABLE', (r) => r.body?.connectionStatus === 'AVAILABLE');
  assert.deepEqual(ep.body, { cloudProvider: 'AWS', connectionStatus: 'AVAILABLE', deleteRequested: false, errorMessage: null, interfaceEndpointId: VPCE });

  // the acknowledged DELETE finishes: never AVAILABLE again, then gone
  const gone = await waitFor(api, `${pe}/AZURE/endpointService/${azure.id}`, 'deleted Azure service gone', (r) => {
    assert.ok(r.status === 404 || r.body?.status === 'DELETING', show(r));
    return r.status === 404;
  });
  assert.deepEqual(gone.body, errorBody(404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', `Private endpoint service ${azure.id} not found.`, [azure.id]));

  // the fault rule still applies
  const gcp = expectStatus(await api.post(`${pe}/endpointService`, { providerName: 'GCP', region: 'CENTRAL_US' }), 201).body;
  const failed = await waitFor(api, `${pe}/GCP/endpointService/${gcp.id}`, 'GCP service FAILED', (r) => r.body?.status === 'FAILED');
  assert.equal(failed.body.errorMessage, 'durable fault');

  // ---- a graceful stop, and a third life: still one organization, nothing lost ----
  assert.equal(await second.server.stop(), 0);
  assert.equal(countRows('organizations'), 1);
  assert.equal(countRows('api_keys'), 2);

  const third = await start();
  api = third.api;
  assert.equal(expectStatus(await api.get('/orgs'), 200).body.totalCount, 1);
  assert.equal(expectStatus(await api.get(`/groups/${g}`), 200).body.name, 'durable-project-renamed');
  assert.equal(expectStatus(await api.get(`${pe}/AWS/endpointService/${aws.id}/endpoint/${VPCE}`), 200).body.connectionStatus, 'AVAILABLE');
  assert.deepEqual(
    expectStatus(await api.get(`${pe}/GCP/endpointService`), 200).body.map((s: { id: string; status: string }) => [s.id, s.status]),
    [[gcp.id, 'FAILED']],
  );
  assert.equal(expectStatus(await api.get(`${pe}/AZURE/endpointService/${azure.id}`), 404).body.errorCode, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND');
  assert.equal(await third.server.stop(), 0);
  assert.equal(countRows('organizations'), 1);
});
