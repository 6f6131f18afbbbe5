import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { startServer, tempDb, V2_ACCEPT, type ServerProcess } from '../support/process.ts';
import {
  Atlas,
  BOOT,
  CHALLENGE_BODY,
  CHALLENGE_HEADER,
  CurlTransport,
  errorBody,
  PREFIX,
  PythonRequestsTransport,
  show,
  UrllibTransport,
  type Creds,
  type Resp,
  type Transport,
  type Tree,
} from './transports.ts';

/**
 * Real third-party digest clients against a real `linkplane serve` on loopback: each bootstraps with
 * the bootstrap key, creates a project and a read-only key, and then finds the read-only key allowed
 * to read and refused (401 USER_UNAUTHORIZED) everything else, on both API trees.
 */

const V2_TYPE = 'application/vnd.atlas.2023-01-01+json;charset=utf-8';
const UNAUTHORIZED = errorBody(401, 'USER_UNAUTHORIZED', 'Current user is not authorized to perform this action.');
const OBJECT_ID = /^[0-9a-f]{24}$/;

let server: ServerProcess;
let cleanupDb: () => void;
let orgId: string | undefined;

before(async () => {
  const t = tempDb();
  cleanupDb = t.cleanup;
  server = await startServer({ db: t.db });
});

after(async () => {
  await server?.stop();
  cleanupDb?.();
});

function expectJson(r: Resp, status: number, tree: Tree): void {
  assert.equal(r.status, status, show(r));
  const type = status >= 400 || tree === 'v1' ? 'application/json' : V2_TYPE;
  assert.equal(r.headers['content-type'], type, `content-type of ${show(r)}`);
}

function expectChallenge(r: Resp): void {
  assert.equal(r.status, 401, show(r));
  assert.match(r.headers['www-authenticate'] ?? '', CHALLENGE_HEADER);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.deepEqual(r.body, CHALLENGE_BODY);
}

/** GET /orgs with the bootstrap key: the one organization, with its exact list body. */
async function learnOrg(boot: Atlas): Promise<string> {
  const r = await boot.get('/orgs');
  expectJson(r, 200, boot.tree);
  const id = r.body?.results?.[0]?.id as string;
  assert.match(id, OBJECT_ID);
  const p = PREFIX[boot.tree];
  assert.deepEqual(r.body, {
    links: [{ href: `${server.baseUrl}${p}/orgs?includeCount=true&pageNum=1&itemsPerPage=100`, rel: 'self' }],
    results: [{ id, isDeleted: false, links: [{ href: `${server.baseUrl}${p}/orgs/${id}`, rel: 'self' }], name: 'linkplane', skipDefaultAlertsSettings: false }],
    totalCount: 1,
  });
  // every client, on every tree, sees the same single organization
  orgId ??= id;
  assert.equal(id, orgId);
  return id;
}

async function createProject(boot: Atlas, org: string, name: string): Promise<string> {
  const r = await boot.post('/groups', { name, orgId: org });
  expectJson(r, 201, boot.tree);
  const p = r.body;
  assert.match(p.id, OBJECT_ID);
  const self = `${server.baseUrl}${PREFIX[boot.tree]}/groups/${p.id}`;
  assert.deepEqual(Object.keys(p), ['clusterCount', 'created', 'id', 'links', 'name', 'orgId', 'tags', 'withDefaultAlertsSettings']);
  assert.equal(p.clusterCount, 0);
  assert.match(p.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.equal(p.name, name);
  assert.equal(p.orgId, org);
  assert.deepEqual(p.tags, []);
  assert.deepEqual(p.links[0], { href: self, rel: 'self' });
  return p.id;
}

/** Creates an ORG_MEMBER key and grants it GROUP_READ_ONLY on the project; returns its credentials. */
async function readOnlyKey(boot: Atlas, org: string, groupId: string, how: 'POST' | 'PATCH'): Promise<Creds> {
  const created = await boot.post(`/orgs/${org}/apiKeys`, { desc: `read-only ${boot.transport.name} ${boot.tree}`, roles: ['ORG_MEMBER'] });
  expectJson(created, 200, boot.tree);
  const k = created.body;
  assert.match(k.id, OBJECT_ID);
  assert.match(k.publicKey, /^[a-z]{8}$/);
  assert.match(k.privateKey, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(k.roles, [{ orgId: org, roleName: 'ORG_MEMBER' }]);
  assert.deepEqual(k.links, [{ href: `${server.baseUrl}${PREFIX[boot.tree]}/orgs/${org}/apiKeys/${k.id}`, rel: 'self' }]);

  const expectedRoles = [
    { orgId: org, roleName: 'ORG_MEMBER' },
    { groupId, roleName: 'GROUP_READ_ONLY' },
  ];
  if (how === 'POST') {
    const assigned = await boot.post(`/groups/${groupId}/apiKeys/${k.id}`, [{ roles: ['GROUP_READ_ONLY'] }]);
    assert.equal(assigned.status, 204, show(assigned));
    assert.equal(assigned.text, '');
  } else {
    const assigned = await boot.patch(`/groups/${groupId}/apiKeys/${k.id}`, { roles: ['GROUP_READ_ONLY'] });
    expectJson(assigned, 200, boot.tree);
    assert.deepEqual(assigned.body.roles, expectedRoles);
    assert.equal(assigned.body.privateKey, `********-****-****-${k.privateKey.slice(-12)}`);
  }
  const got = await boot.get(`/orgs/${org}/apiKeys/${k.id}`);
  expectJson(got, 200, boot.tree);
  assert.deepEqual(got.body.roles, expectedRoles);
  return { user: k.publicKey, pass: k.privateKey };
}

async function scenario(transport: Transport, tree: Tree, how: 'POST' | 'PATCH'): Promise<void> {
  const boot = new Atlas(transport, tree, BOOT);
  const org = await learnOrg(boot);
  const name = `interop-${transport.name}-${tree}`;
  const groupId = await createProject(boot, org, name);
  const creds = await readOnlyKey(boot, org, groupId, how);
  const ro = boot.withCreds(creds);

  // the read-only key reads the project and its organization…
  const got = await ro.get(`/groups/${groupId}`);
  expectJson(got, 200, tree);
  assert.equal(got.body.id, groupId);
  assert.equal(got.body.name, name);
  assert.equal(got.body.orgId, org);
  const orgs = await ro.get('/orgs');
  expectJson(orgs, 200, tree);
  assert.deepEqual(
    orgs.body.results.map((o: { id: string }) => o.id),
    [org],
  );
  const listed = await ro.get('/groups');
  expectJson(listed, 200, tree);
  assert.deepEqual(
    listed.body.results.map((p: { id: string }) => p.id),
    [groupId],
  );

  // …and may change nothing
  const patched = await ro.patch(`/groups/${groupId}`, { name: `${name}-renamed` });
  expectJson(patched, 401, tree);
  assert.deepEqual(patched.body, UNAUTHORIZED);
  assert.equal(patched.headers['www-authenticate'], undefined, 'an authorization failure is no digest challenge');
  const deleted = await ro.delete(`/groups/${groupId}`);
  expectJson(deleted, 401, tree);
  assert.deepEqual(deleted.body, UNAUTHORIZED);
  const keyCreate = await ro.post(`/orgs/${org}/apiKeys`, { desc: 'nope', roles: ['ORG_OWNER'] });
  expectJson(keyCreate, 401, tree);
  assert.deepEqual(keyCreate.body, UNAUTHORIZED);

  const still = await boot.get(`/groups/${groupId}`);
  expectJson(still, 200, tree);
  assert.equal(still.body.name, name, 'the refused PATCH changed nothing');

  // no credentials, and wrong ones: the digest challenge
  const anonymous = await transport.call('GET', `${PREFIX[tree]}/groups/${groupId}`, { creds: null, headers: boot.headers(false) });
  expectChallenge(anonymous);
  const wrong = await transport.call('DELETE', `${PREFIX[tree]}/groups/${groupId}`, {
    creds: { user: creds.user, pass: `${creds.pass.slice(0, -1)}x` },
    headers: boot.headers(false),
  });
  expectChallenge(wrong);
  const unknownKey = await boot.withCreds({ user: 'nosuchkey', pass: BOOT.pass }).get(`/groups/${groupId}`);
  expectChallenge(unknownKey);
}

describe('curl --digest', () => {
  let t: Transport;
  before(() => {
    t = new CurlTransport(server.baseUrl);
  });
  test('v1.0: bootstrap, read-only key, refusals and challenges', () => scenario(t, 'v1', 'POST'));
  test('v2: bootstrap, read-only key, refusals and challenges', () => scenario(t, 'v2', 'PATCH'));
  test('curl answers a fresh challenge on every invocation (one 401 leg per call)', async () => {
    const r = await new Atlas(t, 'v2').get('/orgs');
    assert.equal(r.status, 200, show(r));
    assert.equal(r.challenges, 1);
  });
});

describe('python requests HTTPDigestAuth', () => {
  let t: PythonRequestsTransport;
  before(() => {
    t = new PythonRequestsTransport(server.baseUrl);
  });
  after(() => t?.close());
  test('v1.0: bootstrap, read-only key, refusals and challenges', () => scenario(t, 'v1', 'PATCH'));
  test('v2: bootstrap, read-only key, refusals and challenges', () => scenario(t, 'v2', 'POST'));

  test('one session reuses one nonce: a single challenge, then nc 2, 3, … on every method and URL', async () => {
    const fresh = new PythonRequestsTransport(server.baseUrl);
    try {
      const boot = new Atlas(fresh, 'v2');
      const first = await boot.get('/orgs');
      assert.equal(first.status, 200, show(first));
      assert.equal(first.challenges, 1, 'the first call is challenged once');
      assert.equal(first.nonceCount, 1);
      const org = first.body.results[0].id as string;
      const calls: Resp[] = [];
      calls.push(await boot.get('/orgs'));
      const created = await boot.post('/groups', { name: 'interop-python-nonce-reuse', orgId: org });
      calls.push(created);
      const id = created.body.id as string;
      calls.push(await boot.get(`/groups/${id}?pretty=true`));
      calls.push(await boot.patch(`/groups/${id}`, { name: 'interop-python-nonce-reused' }));
      calls.push(await boot.get(`/orgs/${org}/groups?itemsPerPage=5&pageNum=1`));
      calls.push(await boot.delete(`/groups/${id}`));
      assert.deepEqual(
        calls.map((c) => c.status),
        [200, 201, 200, 200, 200, 202],
        calls.map(show).join('\n'),
      );
      // every later call went out pre-emptively with the same nonce and the next nc
      assert.deepEqual(
        calls.map((c) => c.challenges),
        [0, 0, 0, 0, 0, 0],
      );
      assert.deepEqual(
        calls.map((c) => c.nonceCount),
        [2, 3, 4, 5, 6, 7],
      );
      assert.equal(calls[3].body.name, 'interop-python-nonce-reused');
      assert.deepEqual(calls[5].body, {});
    } finally {
      await fresh.close();
    }
  });
});

describe('npm urllib digestAuth', () => {
  let t: Transport;
  before(() => {
    t = new UrllibTransport(server.baseUrl);
  });
  test('v1.0: bootstrap, read-only key, refusals and challenges', () => scenario(t, 'v1', 'POST'));
  test('v2: bootstrap, read-only key, refusals and challenges', () => scenario(t, 'v2', 'PATCH'));
});

describe('npm mongodb-atlas-api-client (project calls)', () => {
  const require = createRequire(import.meta.url);
  type AtlasClient = {
    organization: { getAll(o?: object): Promise<any>; getById(id: string, o?: object): Promise<any> };
    project: {
      create(body: object, o?: object): Promise<any>;
      getById(id: string, o?: object): Promise<any>;
      getByName(name: string, o?: object): Promise<any>;
      getAll(o?: object): Promise<any>;
      delete(id: string, o?: object): Promise<boolean>;
    };
  };
  const getClient = require('mongodb-atlas-api-client') as (o: { publicKey: string; privateKey: string; baseUrl: string }) => AtlasClient;

  for (const tree of ['v1', 'v2'] as const) {
    test(`${tree === 'v1' ? 'v1.0' : 'v2'}: bootstrap, read-only key, refusals and challenges`, async () => {
      const baseUrl = `${server.baseUrl}${PREFIX[tree]}`;
      // v2 needs the versioned Accept; the client lets callers pass urllib options through. Bodies
      // stay application/json: urllib serialises `data` as JSON only for a JSON content type (it
      // would form-encode it under the vnd type), and Atlas accepts plain JSON bodies on v2.
      const jsonHeaders = tree === 'v2' ? { Accept: V2_ACCEPT, 'Content-Type': 'application/json' } : { 'Content-Type': 'application/json' };
      const http = tree === 'v2' ? { httpOptions: { headers: jsonHeaders } } : {};
      const boot = getClient({ publicKey: BOOT.user, privateKey: BOOT.pass, baseUrl });

      const orgs = await boot.organization.getAll(http);
      const org = orgs.results[0].id as string;
      assert.equal(orgs.totalCount, 1);
      orgId ??= org;
      assert.equal(org, orgId);
      const name = `interop-atlas-api-client-${tree}`;
      const project = await boot.project.create({ name, orgId: org }, http);
      assert.match(project.id, OBJECT_ID, JSON.stringify(project));
      assert.equal(project.name, name);
      assert.equal(project.orgId, org);
      const byId = await boot.project.getById(project.id, http);
      assert.deepEqual(byId, project);
      const byName = await boot.project.getByName(name, http);
      assert.equal(byName.id, project.id);
      const all = await boot.project.getAll(http);
      assert.ok(all.results.some((p: { id: string }) => p.id === project.id));

      // the client has no API-key calls: create and assign the key with urllib, its own HTTP library
      const creds = await readOnlyKey(new Atlas(new UrllibTransport(server.baseUrl), tree, BOOT), org, project.id, 'POST');
      const ro = getClient({ publicKey: creds.user, privateKey: creds.pass, baseUrl });
      const seen = await ro.project.getById(project.id, http);
      assert.equal(seen.id, project.id);
      assert.equal(seen.name, name);

      // project.delete resolves true whatever the status (the client drops it): the project must survive
      assert.equal(await ro.project.delete(project.id, http), true);
      assert.equal((await boot.project.getById(project.id, http)).id, project.id);
      // with the method overridden, the client hands back the refusal bodies
      const headers = jsonHeaders;
      const refusedDelete = await ro.project.getById(project.id, { httpOptions: { method: 'DELETE', headers } });
      assert.deepEqual(refusedDelete, UNAUTHORIZED);
      const refusedPatch = await ro.project.getById(project.id, { httpOptions: { method: 'PATCH', data: { name: 'renamed' }, headers } });
      assert.deepEqual(refusedPatch, UNAUTHORIZED);
      assert.equal((await boot.project.getById(project.id, http)).name, name);

      // wrong private key: urllib answers the challenge once, then hands back the second challenge
      const wrong = getClient({ publicKey: creds.user, privateKey: 'not-the-key', baseUrl });
      assert.deepEqual(await wrong.project.getById(project.id, http), CHALLENGE_BODY);

      // the bootstrap key may delete it
      assert.equal(await boot.project.delete(project.id, http), true);
      assert.deepEqual(await boot.project.getById(project.id, http), errorBody(404, 'GROUP_NOT_FOUND', `No group with ID ${project.id} exists.`, [project.id]));
    });
  }
});
