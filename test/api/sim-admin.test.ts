/**
 * linkplane's admin API for the simulated cloud (`/api/linkplane/v1/sim/…`): fault rules and the time
 * scale, digest-authenticated, ORG_OWNER only, Atlas-style error bodies.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { assertError, call, createService, newProject, orgKey, projectKey, servicePath, type Res } from './private-endpoint-fixtures.ts';

const FAULTS = '/api/linkplane/v1/sim/faults';
const SETTINGS = '/api/linkplane/v1/sim/settings';

let t: TestLinkplane;
before(async () => {
  t = await startTestLinkplane();
});
after(() => t.close());

const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, o: { body?: unknown; payload?: string; user?: string; pass?: string } = {}): Promise<Res> =>
  call(t, method, url, { ...o, noSpec: true });

test('POST fault → 201 with id and the normalized rule; GET lists; DELETE one → 204; DELETE all → {deleted}', async () => {
  await admin('DELETE', FAULTS);
  const body = {
    provider: 'AWS',
    kind: 'endpoint',
    match: { endpointId: 'vpce-0d00c26273372c6ef' },
    outcome: 'REJECTED',
    errorMessage: 'Interface endpoint vpce-0d00c26273372c6ef was not found.',
  };
  const r = await admin('POST', FAULTS, { body });
  assert.equal(r.status, 201, r.text);
  assert.match(r.body.id, /^[a-f0-9]{24}$/);
  assert.equal(r.body.provider, 'AWS');
  assert.equal(r.body.kind, 'endpoint');
  assert.deepEqual(r.body.match, { endpointId: 'vpce-0d00c26273372c6ef' });
  assert.equal(r.body.outcome, 'REJECTED');
  assert.equal(r.body.errorMessage, body.errorMessage);
  assert.equal(r.headers['content-type'], 'application/json');
  const region = await admin('POST', FAULTS, { body: { provider: 'AWS', kind: 'endpointService', match: { region: 'us-east-1' }, outcome: 'FAILED' } });
  assert.equal(region.status, 201, region.text);
  assert.deepEqual(region.body.match, { region: 'US_EAST_1' }, 'a native region is stored in Atlas form');
  assert.equal(region.body.errorMessage, null);
  const stuck = await admin('POST', FAULTS, { body: { provider: 'GCP', kind: 'endpointService', outcome: 'STUCK' } });
  assert.equal(stuck.status, 201);
  assert.deepEqual(stuck.body.match, {});

  const list = await admin('GET', FAULTS);
  assert.equal(list.status, 200);
  assert.equal(list.body.totalCount, 3);
  assert.deepEqual(
    list.body.results.map((x: { id: string }) => x.id),
    [r.body.id, region.body.id, stuck.body.id],
  );
  const del = await admin('DELETE', `${FAULTS}/${region.body.id}`);
  assert.equal(del.status, 204);
  assert.equal(del.text, '');
  assertError(await admin('DELETE', `${FAULTS}/${region.body.id}`), 404, 'FAULT_RULE_NOT_FOUND', [region.body.id]);
  assertError(await admin('DELETE', `${FAULTS}/nope`), 404, 'FAULT_RULE_NOT_FOUND', ['nope']);
  assert.equal((await admin('GET', FAULTS)).body.totalCount, 2);
  const all = await admin('DELETE', FAULTS);
  assert.equal(all.status, 200);
  assert.deepEqual(all.body, { deleted: 2 });
  assert.deepEqual((await admin('GET', FAULTS)).body, { results: [], totalCount: 0 });
});

test('bad fault bodies → 400 with Atlas codes', async () => {
  await admin('DELETE', FAULTS);
  const cases: [unknown, string, unknown[]][] = [
    [{ kind: 'endpoint', outcome: 'STUCK' }, 'MISSING_ATTRIBUTE', ['provider']],
    [{ provider: 'aws', kind: 'endpoint', outcome: 'STUCK' }, 'INVALID_ENUM_VALUE', ['aws']],
    [{ provider: 'AWS', outcome: 'STUCK' }, 'MISSING_ATTRIBUTE', ['kind']],
    [{ provider: 'AWS', kind: 'service', outcome: 'STUCK' }, 'INVALID_ENUM_VALUE', ['service']],
    [{ provider: 'AWS', kind: 'endpoint' }, 'MISSING_ATTRIBUTE', ['outcome']],
    [{ provider: 'AWS', kind: 'endpoint', outcome: 'BROKEN' }, 'INVALID_ENUM_VALUE', ['BROKEN']],
    [{ provider: 'AZURE', kind: 'endpoint', outcome: 'REJECTED' }, 'INVALID_ATTRIBUTE', ['outcome']],
    [{ provider: 'AWS', kind: 'endpointService', outcome: 'REJECTED' }, 'INVALID_ATTRIBUTE', ['outcome']],
    [{ provider: 'AWS', kind: 'endpoint', outcome: 'FAILED' }, 'INVALID_ATTRIBUTE', ['outcome']],
    [{ provider: 'AWS', kind: 'endpoint', outcome: 'STUCK', extra: 1 }, 'INVALID_ATTRIBUTE', ['extra']],
    [{ provider: 'AWS', kind: 'endpoint', outcome: 'STUCK', match: { vpc: 'x' } }, 'INVALID_ATTRIBUTE', ['match.vpc']],
    [{ provider: 'AWS', kind: 'endpoint', outcome: 'STUCK', match: { endpointId: 7 } }, 'INVALID_JSON_ATTRIBUTE', ['match.endpointId']],
    [{ provider: 'AWS', kind: 'endpoint', outcome: 'STUCK', match: { endpointId: '' } }, 'INVALID_JSON_ATTRIBUTE', ['match.endpointId']],
    [{ provider: 'AWS', kind: 'endpoint', outcome: 'STUCK', match: [] }, 'INVALID_JSON_ATTRIBUTE', ['match']],
    [{ provider: 'AWS', kind: 'endpoint', outcome: 'STUCK', match: { region: 'mars-1' } }, 'INVALID_REGION', ['mars-1', 'AWS']],
    [{ provider: 'AWS', kind: 'endpointService', outcome: 'STUCK', match: { endpointId: 'vpce-0d00c26273372c6ef' } }, 'INVALID_ATTRIBUTE', ['match.endpointId']],
    [{ provider: 'AWS', kind: 'endpoint', outcome: 'STUCK', errorMessage: '' }, 'INVALID_JSON_ATTRIBUTE', ['errorMessage']],
    [{ provider: 'AWS', kind: 'endpoint', outcome: 'STUCK', errorMessage: 42 }, 'INVALID_JSON_ATTRIBUTE', ['errorMessage']],
    [{ provider: 'AWS', kind: 'endpoint', outcome: 'STUCK', errorMessage: 'x'.repeat(1001) }, 'INVALID_JSON_ATTRIBUTE', ['errorMessage']],
    [['AWS'], 'INVALID_JSON', []],
  ];
  for (const [body, code, params] of cases) {
    assertError(await admin('POST', FAULTS, { body }), 400, code, params);
  }
  assertError(await admin('POST', FAULTS, { payload: '{"provider":' }), 400, 'INVALID_JSON', []);
  assertError(await admin('POST', FAULTS, {}), 400, 'INVALID_JSON', []);
  assert.equal((await admin('GET', FAULTS)).body.totalCount, 0, 'nothing was stored');
});

test('GET|PATCH settings: {timeScale}; bad bodies → 400; the new scale drives the simulated cloud', async () => {
  const g = await admin('GET', SETTINGS);
  assert.equal(g.status, 200);
  assert.deepEqual(g.body, { timeScale: 0 });
  const cases: [unknown, string, unknown[]][] = [
    [{}, 'MISSING_ATTRIBUTE', ['timeScale']],
    [{ timeScale: -1 }, 'INVALID_JSON_ATTRIBUTE', ['timeScale']],
    [{ timeScale: 1001 }, 'INVALID_JSON_ATTRIBUTE', ['timeScale']],
    [{ timeScale: '1' }, 'INVALID_JSON_ATTRIBUTE', ['timeScale']],
    [{ timeScale: null }, 'INVALID_JSON_ATTRIBUTE', ['timeScale']],
    [{ timeScale: 1, reconcile: true }, 'INVALID_ATTRIBUTE', ['reconcile']],
    [[1], 'INVALID_JSON', []],
  ];
  for (const [body, code, params] of cases) assertError(await admin('PATCH', SETTINGS, { body }), 400, code, params);
  assertError(await admin('PATCH', SETTINGS, { payload: '0.5' }), 400, 'INVALID_JSON', []);
  assert.deepEqual((await admin('GET', SETTINGS)).body, { timeScale: 0 });

  const p = await admin('PATCH', SETTINGS, { body: { timeScale: 1 } });
  assert.equal(p.status, 200);
  assert.deepEqual(p.body, { timeScale: 1 });
  assert.deepEqual((await admin('GET', SETTINGS)).body, { timeScale: 1 });
  try {
    // At real speed an AWS service takes the recorded median, 168 s.
    const project = await newProject(t);
    const s = await createService(t, project, 'AWS');
    t.clock.advance(167_999);
    await t.settle();
    assert.equal((await call(t, 'GET', servicePath(project, 'AWS', s.id))).body.status, 'INITIATING');
    t.clock.advance(1);
    await t.settle();
    assert.equal((await call(t, 'GET', servicePath(project, 'AWS', s.id))).body.status, 'AVAILABLE');
  } finally {
    assert.equal((await admin('PATCH', SETTINGS, { body: { timeScale: 0 } })).status, 200);
  }
});

test('only ORG_OWNER keys: others get 401 USER_UNAUTHORIZED on every admin route; no key gets the digest challenge', async () => {
  const project = await newProject(t);
  const keys = [await orgKey(t, ['ORG_READ_ONLY']), await orgKey(t, ['ORG_MEMBER', 'ORG_GROUP_CREATOR']), await projectKey(t, project, ['GROUP_OWNER'])];
  const rule = await admin('POST', FAULTS, { body: { provider: 'AWS', kind: 'endpoint', outcome: 'STUCK' } });
  for (const k of keys) {
    assertError(await admin('GET', FAULTS, k), 401, 'USER_UNAUTHORIZED', []);
    assertError(await admin('POST', FAULTS, { ...k, body: { provider: 'AWS', kind: 'endpoint', outcome: 'STUCK' } }), 401, 'USER_UNAUTHORIZED', []);
    assertError(await admin('DELETE', `${FAULTS}/${rule.body.id}`, k), 401, 'USER_UNAUTHORIZED', []);
    assertError(await admin('DELETE', FAULTS, k), 401, 'USER_UNAUTHORIZED', []);
    assertError(await admin('GET', SETTINGS, k), 401, 'USER_UNAUTHORIZED', []);
    assertError(await admin('PATCH', SETTINGS, { ...k, body: { timeScale: 5 } }), 401, 'USER_UNAUTHORIZED', []);
  }
  assert.equal((await admin('GET', FAULTS)).body.totalCount, 1, 'the refused calls changed nothing');
  assert.deepEqual((await admin('GET', SETTINGS)).body, { timeScale: 0 });
  const bare = await t.app.inject({ method: 'GET', url: FAULTS });
  assert.equal(bare.statusCode, 401);
  assert.match(String(bare.headers['www-authenticate']), /^Digest /);
  await admin('DELETE', FAULTS);
});
