/**
 * The regionalized-private-endpoint setting: GET 200 {"enabled":false} by default, PATCH 202 echoing
 * the new value (as recorded), under both trees, with Atlas's body rules and roles.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { BOTH_TREES, V2_CONTENT_TYPE, assertError, availableService, call, newProject, projectKey } from './private-endpoint-fixtures.ts';

let t: TestLinkplane;
before(async () => {
  t = await startTestLinkplane();
});
after(() => t.close());

const mode = (g: string) => `/groups/${g}/privateEndpoint/regionalMode`;

for (const tree of BOTH_TREES) {
  test(`${tree}: GET 200 {"enabled":false} by default; PATCH 202 echoes; the change is immediate`, async () => {
    const g = await newProject(t);
    const r0 = await call(t, 'GET', mode(g), { tree });
    assert.equal(r0.status, 200);
    assert.equal(r0.text, '{"enabled":false}');
    assert.equal(r0.headers['content-type'], tree === 'v2' ? V2_CONTENT_TYPE : 'application/json');
    const on = await call(t, 'PATCH', mode(g), { tree, body: { enabled: true } });
    assert.equal(on.status, 202);
    assert.equal(on.text, '{"enabled":true}');
    assert.deepEqual((await call(t, 'GET', mode(g), { tree })).body, { enabled: true });
    const same = await call(t, 'PATCH', mode(g), { tree, body: { enabled: true } });
    assert.equal(same.status, 202);
    const off = await call(t, 'PATCH', mode(g), { tree, body: { enabled: false } });
    assert.equal(off.status, 202);
    assert.equal(off.text, '{"enabled":false}');
    assert.deepEqual((await call(t, 'GET', mode(g), { tree })).body, { enabled: false });
  });
}

test('the setting is per project', async () => {
  const a = await newProject(t);
  const b = await newProject(t);
  assert.equal((await call(t, 'PATCH', mode(a), { body: { enabled: true } })).status, 202);
  assert.deepEqual((await call(t, 'GET', mode(a), { tree: 'v1' })).body, { enabled: true });
  assert.deepEqual((await call(t, 'GET', mode(b), { tree: 'v1' })).body, { enabled: false });
});

test('bad bodies → 400: missing enabled, non-boolean, bare boolean (the v0 client bug), unknown attribute, malformed JSON', async () => {
  const g = await newProject(t);
  assertError(await call(t, 'PATCH', mode(g), { body: {} }), 400, 'MISSING_ATTRIBUTE', ['enabled']);
  assertError(await call(t, 'PATCH', mode(g), { body: { enabled: 'true' } }), 400, 'INVALID_JSON_ATTRIBUTE', ['enabled']);
  assertError(await call(t, 'PATCH', mode(g), { body: { enabled: null } }), 400, 'INVALID_JSON_ATTRIBUTE', ['enabled']);
  assertError(await call(t, 'PATCH', mode(g), { payload: 'true' }), 400, 'INVALID_JSON', []);
  assertError(await call(t, 'PATCH', mode(g), { body: { enabled: true, regions: [] } }), 400, 'INVALID_ATTRIBUTE', ['regions']);
  assertError(await call(t, 'PATCH', mode(g), { payload: '{"enabled":tru' }), 400, 'INVALID_JSON', []);
  assertError(await call(t, 'PATCH', mode(g), { tree: 'v1', body: { enabled: 1 } }), 400, 'INVALID_JSON_ATTRIBUTE', ['enabled']);
  assert.deepEqual((await call(t, 'GET', mode(g))).body, { enabled: false }, 'nothing changed');
});

test('roles: GROUP_READ_ONLY reads 200 and writes 401 USER_UNAUTHORIZED; unknown project 404', async () => {
  const g = await newProject(t);
  const ro = await projectKey(t, g, ['GROUP_READ_ONLY']);
  for (const tree of BOTH_TREES) {
    assert.equal((await call(t, 'GET', mode(g), { tree, ...ro })).status, 200);
    assertError(await call(t, 'PATCH', mode(g), { tree, ...ro, body: { enabled: true } }), 401, 'USER_UNAUTHORIZED', []);
  }
  const nope = 'dddddddddddddddddddddddd';
  assertError(await call(t, 'GET', mode(nope)), 404, 'GROUP_NOT_FOUND', [nope]);
  assertError(await call(t, 'PATCH', mode(nope), { body: { enabled: true } }), 404, 'GROUP_NOT_FOUND', [nope]);
  assertError(await call(t, 'GET', mode('bad')), 400, 'PATH_PARAM_PARSE_ERROR');
});

test('envelope and pretty', async () => {
  const g = await newProject(t);
  const e = await call(t, 'PATCH', `${mode(g)}?envelope=true`, { body: { enabled: true } });
  assert.equal(e.status, 200);
  assert.equal(e.text, '{"content":{"enabled":true},"status":202}');
  const p = await call(t, 'GET', `${mode(g)}?pretty=true`, { tree: 'v1' });
  assert.equal(p.text, '{\n  "enabled" : true\n}');
  const both = await call(t, 'GET', `${mode(g)}?pretty=true&envelope=true`);
  assert.equal(both.text, '{\n  "content" : {\n    "enabled" : true\n  },\n  "status" : 200\n}');
});

test('turning regional mode off is refused (409) while private endpoints exist in more than one region', async () => {
  const g = await newProject(t);
  assert.equal((await call(t, 'PATCH', mode(g), { body: { enabled: true } })).status, 202);
  const east = await availableService(t, g, 'AWS', {});
  const west = await call(t, 'POST', `/groups/${g}/privateEndpoint/endpointService`, { body: { providerName: 'AWS', region: 'US_WEST_2' } });
  assert.equal(west.status, 201);
  await t.settle();
  const add = (serviceId: string, id: string) =>
    call(t, 'POST', `/groups/${g}/privateEndpoint/AWS/endpointService/${serviceId}/endpoint`, { body: { id } });
  assert.equal((await add(east.id, 'vpce-0d00c26273372c6ef')).status, 201);
  // one region with endpoints: still allowed to turn off and on again
  assert.equal((await call(t, 'PATCH', mode(g), { body: { enabled: false } })).status, 202);
  assert.equal((await call(t, 'PATCH', mode(g), { body: { enabled: true } })).status, 202);
  assert.equal((await add(west.body.id, 'vpce-11111111111111111')).status, 201);
  const refused = await call(t, 'PATCH', mode(g), { body: { enabled: false } });
  assertError(refused, 409, 'MULTIPLE_PRIVATE_ENDPOINTS_RESTRICTED_TO_SINGLE_REGION', []);
  assert.deepEqual((await call(t, 'GET', mode(g))).body, { enabled: true });
});
