/**
 * Private endpoints through inject(), under both trees: create for every provider (AWS vpce ids,
 * Azure resource ids addressed percent-encoded as ONE path segment, GCP endpoint groups addressed by
 * group name), get, delete, and the rules with their exact codes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import {
  AWS_VPCE,
  AZURE_PE_ID,
  BOTH_TREES,
  CHILD_KEY,
  ENDPOINT_KEYS,
  FORMATS,
  GCP_PROJECT,
  PROVIDERS,
  TREE_PREFIX,
  V2_CONTENT_TYPE,
  assertError,
  availableService,
  call,
  createService,
  endpointBody,
  endpointPath,
  endpointsPath,
  gcpGroup,
  newProject,
  orgKey,
  projectKey,
  servicePath,
} from './private-endpoint-fixtures.ts';
import { digest, V2_ACCEPT } from '../support/harness.ts';

let t: TestLinkplane;
before(async () => {
  t = await startTestLinkplane();
});
after(() => t.close());

for (const tree of BOTH_TREES) {
  test(`${tree}: AWS endpoint {"id":"vpce-…"} → 201 PENDING_ACCEPTANCE, GET, listed by the service, DELETE 202 {}`, async () => {
    const g = await newProject(t);
    const s = await availableService(t, g, 'AWS');
    const c = await call(t, 'POST', endpointsPath(g, 'AWS', s.id), { tree, body: { id: AWS_VPCE } });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.headers['content-type'], tree === 'v2' ? V2_CONTENT_TYPE : 'application/json');
    assert.deepEqual(Object.keys(c.body), ENDPOINT_KEYS.AWS);
    assert.deepEqual(c.body, {
      cloudProvider: 'AWS',
      connectionStatus: 'PENDING_ACCEPTANCE',
      deleteRequested: false,
      errorMessage: null,
      interfaceEndpointId: AWS_VPCE,
    });
    const g1 = await call(t, 'GET', endpointPath(g, 'AWS', s.id, AWS_VPCE), { tree });
    assert.equal(g1.status, 200);
    assert.deepEqual(g1.body, c.body);
    const parent = await call(t, 'GET', servicePath(g, 'AWS', s.id), { tree });
    assert.deepEqual(parent.body.interfaceEndpoints, [AWS_VPCE]);
    const d = await call(t, 'DELETE', endpointPath(g, 'AWS', s.id, AWS_VPCE), { tree });
    assert.equal(d.status, 202);
    assert.equal(d.text, '{}');
    const after = await call(t, 'GET', endpointPath(g, 'AWS', s.id, AWS_VPCE), { tree });
    assert.equal(after.body.connectionStatus, 'DELETING');
    assert.equal(after.body.deleteRequested, true);
  });

  test(`${tree}: Azure endpoint {id, privateEndpointIPAddress} → 201 INITIATING; GET/DELETE with the id percent-encoded as one segment`, async () => {
    const g = await newProject(t);
    const s = await availableService(t, g, 'AZURE');
    const c = await call(t, 'POST', endpointsPath(g, 'AZURE', s.id), { tree, body: { id: AZURE_PE_ID, privateEndpointIPAddress: '10.0.0.4' } });
    assert.equal(c.status, 201, c.text);
    assert.deepEqual(Object.keys(c.body), ENDPOINT_KEYS.AZURE);
    assert.deepEqual(c.body, {
      cloudProvider: 'AZURE',
      deleteRequested: false,
      errorMessage: null,
      privateEndpointConnectionName: null,
      privateEndpointIPAddress: '10.0.0.4',
      privateEndpointResourceId: AZURE_PE_ID,
      status: 'INITIATING',
    });
    const encoded = encodeURIComponent(AZURE_PE_ID);
    assert.ok(encoded.startsWith('%2Fsubscriptions%2F'));
    const got = await call(t, 'GET', `${endpointsPath(g, 'AZURE', s.id)}/${encoded}`, { tree });
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.body, c.body);
    // Lower-case escapes (%2f) address the same endpoint (the spec pattern allows both).
    const lower = await call(t, 'GET', `${endpointsPath(g, 'AZURE', s.id)}/${encoded.replaceAll('%2F', '%2f')}`, { tree });
    assert.equal(lower.status, 200, lower.text);
    // The unescaped id is not one segment: Atlas answers 404 RESOURCE_NOT_FOUND for it (Terraform issue #401).
    const raw = await call(t, 'GET', `${endpointsPath(g, 'AZURE', s.id)}/${AZURE_PE_ID.slice(1)}`, { tree });
    assert.equal(raw.status, 404);
    assert.equal(raw.body.errorCode, 'RESOURCE_NOT_FOUND');
    const parent = await call(t, 'GET', servicePath(g, 'AZURE', s.id), { tree });
    assert.deepEqual(parent.body.privateEndpoints, [AZURE_PE_ID]);
    await t.settle();
    const ready = await call(t, 'GET', `${endpointsPath(g, 'AZURE', s.id)}/${encoded}`, { tree });
    assert.equal(ready.body.status, 'AVAILABLE');
    assert.match(ready.body.privateEndpointConnectionName, FORMATS.azureConnectionName);
    const d = await call(t, 'DELETE', `${endpointsPath(g, 'AZURE', s.id)}/${encoded}`, { tree });
    assert.equal(d.status, 202);
    assert.equal(d.text, '{}');
    const deleting = await call(t, 'GET', `${endpointsPath(g, 'AZURE', s.id)}/${encoded}`, { tree });
    assert.equal(deleting.body.status, 'DELETING');
    assert.equal(deleting.body.deleteRequested, true);
    await t.settle();
    assertError(await call(t, 'GET', `${endpointsPath(g, 'AZURE', s.id)}/${encoded}`, { tree }), 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [AZURE_PE_ID]);
  });

  test(`${tree}: GCP endpoint group {endpointGroupName, gcpProjectId, endpoints} → 201, addressed by group name`, async () => {
    const g = await newProject(t);
    const s = await availableService(t, g, 'GCP');
    const body = gcpGroup('google-endpoint-group', 3);
    const c = await call(t, 'POST', endpointsPath(g, 'GCP', s.id), { tree, body });
    assert.equal(c.status, 201, c.text);
    assert.deepEqual(Object.keys(c.body), ENDPOINT_KEYS.GCP);
    assert.deepEqual(c.body, {
      cloudProvider: 'GCP',
      deleteRequested: false,
      endpointGroupName: 'google-endpoint-group',
      endpoints: body.endpoints.map((e) => ({ ...e, status: 'INITIATING' })),
      errorMessage: null,
      gcpProjectId: GCP_PROJECT,
      portMappingEnabled: false,
      status: 'INITIATING',
    });
    for (const e of c.body.endpoints) assert.deepEqual(Object.keys(e), ['endpointName', 'ipAddress', 'status']);
    const got = await call(t, 'GET', endpointPath(g, 'GCP', s.id, 'google-endpoint-group'), { tree });
    assert.deepEqual(got.body, c.body);
    const parent = await call(t, 'GET', servicePath(g, 'GCP', s.id), { tree });
    assert.deepEqual(parent.body.endpointGroupNames, ['google-endpoint-group']);
    const d = await call(t, 'DELETE', endpointPath(g, 'GCP', s.id, 'google-endpoint-group'), { tree });
    assert.equal(d.status, 202);
    assert.equal(d.text, '{}');
  });
}

test('the parent lists endpoint ids in creation order, for every provider', async () => {
  const g = await newProject(t);
  for (const p of PROVIDERS) {
    const s = await availableService(t, g, p);
    const a = endpointBody(p, 1);
    const b = endpointBody(p, 2);
    assert.equal((await call(t, 'POST', endpointsPath(g, p, s.id), { body: b.body })).status, 201);
    assert.equal((await call(t, 'POST', endpointsPath(g, p, s.id), { body: a.body })).status, 201);
    const parent = await call(t, 'GET', servicePath(g, p, s.id));
    assert.deepEqual(parent.body[CHILD_KEY[p]], [b.id, a.id]);
    const list = await call(t, 'GET', `/groups/${g}/privateEndpoint/${p}/endpointService`);
    assert.deepEqual(list.body[0][CHILD_KEY[p]], [b.id, a.id]);
  }
});

test('GCP port-mapped service: exactly one endpoint, portMappingEnabled true on the group', async () => {
  const g = await newProject(t);
  const s = await availableService(t, g, 'GCP', { portMappingEnabled: true, region: 'us-west3' });
  assert.equal(s.portMappingEnabled, true);
  const two = await call(t, 'POST', endpointsPath(g, 'GCP', s.id), { body: gcpGroup('pm-rule', 2) });
  assertError(two, 400, 'INVALID_ATTRIBUTE', ['endpoints']);
  // Terraform sends endpointGroupName = endpoints[0].endpointName for port-mapped services.
  const one = await call(t, 'POST', endpointsPath(g, 'GCP', s.id), {
    body: { endpointGroupName: 'pm-rule', gcpProjectId: GCP_PROJECT, endpoints: [{ endpointName: 'pm-rule', ipAddress: '10.1.0.5' }] },
  });
  assert.equal(one.status, 201, one.text);
  assert.equal(one.body.portMappingEnabled, true);
  assert.deepEqual(one.body.endpoints, [{ endpointName: 'pm-rule', ipAddress: '10.1.0.5', status: 'INITIATING' }]);
});

test('malformed AWS ids → 400 INVALID_ATTRIBUTE [id]; missing id → MISSING_ATTRIBUTE; other providers\' fields → INVALID_ATTRIBUTE', async () => {
  const g = await newProject(t);
  const s = await availableService(t, g, 'AWS');
  const url = endpointsPath(g, 'AWS', s.id);
  for (const id of ['vpce-123', 'vpce-0D00C26273372C6EF', 'vpce-0d00c26273372c6efa', 'vpce_0d00c26273372c6ef', '0d00c26273372c6ef', 'vpce-0d00c26273372c6eg', ' vpce-0d00c26273372c6ef', '']) {
    assertError(await call(t, 'POST', url, { body: { id } }), 400, 'INVALID_ATTRIBUTE', ['id']);
  }
  assertError(await call(t, 'POST', url, { body: {} }), 400, 'MISSING_ATTRIBUTE', ['id']);
  assertError(await call(t, 'POST', url, { body: { id: 5 } }), 400, 'INVALID_JSON_ATTRIBUTE', ['id']);
  assertError(await call(t, 'POST', url, { body: { id: AWS_VPCE, privateEndpointIPAddress: '10.0.0.4' } }), 400, 'INVALID_ATTRIBUTE', [
    'privateEndpointIPAddress',
  ]);
  assertError(await call(t, 'POST', url, { body: { interfaceEndpointId: AWS_VPCE } }), 400, 'INVALID_ATTRIBUTE', ['interfaceEndpointId']);
  assertError(await call(t, 'POST', url, { body: { id: AWS_VPCE, cloudProvider: 'AWS' } }), 400, 'INVALID_ATTRIBUTE', ['cloudProvider']);
  assertError(await call(t, 'POST', url, { payload: 'vpce-0d00c26273372c6ef' }), 400, 'INVALID_JSON', []);
  const parent = await call(t, 'GET', servicePath(g, 'AWS', s.id));
  assert.deepEqual(parent.body.interfaceEndpoints, [], 'nothing was added');
});

test('malformed Azure ids and IP addresses → 400', async () => {
  const g = await newProject(t);
  const s = await availableService(t, g, 'AZURE');
  const url = endpointsPath(g, 'AZURE', s.id);
  const badIds = [
    'pe1',
    '/subscriptions/not-a-uuid/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe1',
    '/subscriptions/4e133d35-e734-4380-a565-c0945535da37/resourceGroups/rg/providers/Microsoft.Compute/privateEndpoints/pe1',
    '/subscriptions/4e133d35-e734-4380-a565-c0945535da37/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pe1',
    '/subscriptions/4e133d35-e734-4380-a565-c0945535da37/resourceGroups//providers/Microsoft.Network/privateEndpoints/pe1',
    '/subscriptions/4e133d35-e734-4380-a565-c0945535da37/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/',
    `${AZURE_PE_ID}/extra`,
    AWS_VPCE,
  ];
  for (const id of badIds) {
    assertError(await call(t, 'POST', url, { body: { id, privateEndpointIPAddress: '10.0.0.4' } }), 400, 'INVALID_ATTRIBUTE', ['id']);
  }
  for (const ip of ['10.0.0.256', '10.0.0', 'ten.0.0.4', '10.0.0.4/32', '']) {
    assertError(await call(t, 'POST', url, { body: { id: AZURE_PE_ID, privateEndpointIPAddress: ip } }), 400, 'INVALID_ATTRIBUTE', [
      'privateEndpointIPAddress',
    ]);
  }
  assertError(await call(t, 'POST', url, { body: { id: AZURE_PE_ID } }), 400, 'MISSING_ATTRIBUTE', ['privateEndpointIPAddress']);
  assertError(await call(t, 'POST', url, { body: { privateEndpointIPAddress: '10.0.0.4' } }), 400, 'MISSING_ATTRIBUTE', ['id']);
  assertError(
    await call(t, 'POST', url, { body: { privateEndpointResourceId: AZURE_PE_ID, privateEndpointIPAddress: '10.0.0.4' } }),
    400,
    'INVALID_ATTRIBUTE',
    ['privateEndpointResourceId'],
  );
  // The lower-case `resourcegroups` spelling Azure itself uses is accepted.
  const lowerRg = AZURE_PE_ID.replace('resourceGroups', 'resourcegroups');
  const ok = await call(t, 'POST', url, { body: { id: lowerRg, privateEndpointIPAddress: '10.0.0.9' } });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.privateEndpointResourceId, lowerRg);
});

test('malformed GCP fields → 400 with the offending attribute', async () => {
  const g = await newProject(t);
  const s = await availableService(t, g, 'GCP');
  const url = endpointsPath(g, 'GCP', s.id);
  const base = gcpGroup('grp', 2);
  const cases: [Record<string, unknown>, string, string][] = [
    [{ gcpProjectId: GCP_PROJECT, endpoints: base.endpoints }, 'MISSING_ATTRIBUTE', 'endpointGroupName'],
    [{ endpointGroupName: 'grp', endpoints: base.endpoints }, 'MISSING_ATTRIBUTE', 'gcpProjectId'],
    [{ endpointGroupName: 'grp', gcpProjectId: GCP_PROJECT }, 'MISSING_ATTRIBUTE', 'endpoints'],
    [{ ...base, endpointGroupName: 'Bad_Name' }, 'INVALID_ATTRIBUTE', 'endpointGroupName'],
    [{ ...base, endpointGroupName: '1group' }, 'INVALID_ATTRIBUTE', 'endpointGroupName'],
    [{ ...base, endpointGroupName: 'g'.repeat(64) }, 'INVALID_ATTRIBUTE', 'endpointGroupName'],
    [{ ...base, gcpProjectId: 'P-UPPER' }, 'INVALID_ATTRIBUTE', 'gcpProjectId'],
    [{ ...base, gcpProjectId: 'abc' }, 'INVALID_ATTRIBUTE', 'gcpProjectId'],
    [{ ...base, endpoints: [] }, 'INVALID_ATTRIBUTE', 'endpoints'],
    [{ ...base, endpoints: [{ endpointName: 'grp-0', ipAddress: '10.0.0.300' }] }, 'INVALID_ATTRIBUTE', 'ipAddress'],
    [{ ...base, endpoints: [{ endpointName: 'grp-0', ipAddress: 'fd00::4' }] }, 'INVALID_ATTRIBUTE', 'ipAddress'],
    [{ ...base, endpoints: [{ endpointName: 'Grp 0', ipAddress: '10.0.0.4' }] }, 'INVALID_ATTRIBUTE', 'endpointName'],
    [
      { ...base, endpoints: [{ endpointName: 'grp-0', ipAddress: '10.0.0.4' }, { endpointName: 'grp-0', ipAddress: '10.0.0.5' }] },
      'INVALID_ATTRIBUTE',
      'endpointName',
    ],
    [{ ...base, endpoints: [{ ipAddress: '10.0.0.4' }] }, 'MISSING_ATTRIBUTE', 'endpointName'],
    [{ ...base, endpoints: [{ endpointName: 'grp-0' }] }, 'MISSING_ATTRIBUTE', 'ipAddress'],
    [{ ...base, endpoints: [{ endpointName: 'grp-0', ipAddress: '10.0.0.4', status: 'AVAILABLE' }] }, 'INVALID_ATTRIBUTE', 'status'],
    [{ ...base, id: 'grp' }, 'INVALID_ATTRIBUTE', 'id'],
    [{ ...base, endpoints: 'grp-0' }, 'INVALID_JSON_ATTRIBUTE', 'endpoints'],
  ];
  for (const [body, code, attr] of cases) {
    assertError(await call(t, 'POST', url, { body }), 400, code, [attr]);
  }
  const parent = await call(t, 'GET', servicePath(g, 'GCP', s.id));
  assert.deepEqual(parent.body.endpointGroupNames, []);
});

test('endpoint on a service that is not AVAILABLE (INITIATING, FAILED, DELETING) → 409 PRIVATELINK_CANNOT_ACCEPT_ENDPOINTS', async () => {
  const g = await newProject(t);
  for (const p of PROVIDERS) {
    const s = await createService(t, g, p);
    const r = await call(t, 'POST', endpointsPath(g, p, s.id), { body: endpointBody(p).body });
    assertError(r, 409, 'PRIVATELINK_CANNOT_ACCEPT_ENDPOINTS', [s.id]);
    assert.equal(r.body.detail, `The PrivateLink with the specified id ${s.id} is not ready to accept endpoint connection requests.`);
  }
  await t.settle();
  // DELETING
  const s = (await call(t, 'GET', `/groups/${g}/privateEndpoint/AWS/endpointService`)).body[0];
  assert.equal((await call(t, 'DELETE', servicePath(g, 'AWS', s.id))).status, 202);
  assertError(await call(t, 'POST', endpointsPath(g, 'AWS', s.id), { body: { id: AWS_VPCE } }), 409, 'PRIVATELINK_CANNOT_ACCEPT_ENDPOINTS', [s.id]);
  // FAILED (a fault rule fails this project's Azure services)
  const g2 = await newProject(t);
  const rule = await call(t, 'POST', '/api/linkplane/v1/sim/faults', {
    body: { provider: 'AZURE', kind: 'endpointService', match: { projectId: g2 }, outcome: 'FAILED' },
    noSpec: true,
  });
  assert.equal(rule.status, 201);
  const f = await createService(t, g2, 'AZURE');
  await t.settle();
  assert.equal((await call(t, 'GET', servicePath(g2, 'AZURE', f.id))).body.status, 'FAILED');
  assertError(
    await call(t, 'POST', endpointsPath(g2, 'AZURE', f.id), { body: endpointBody('AZURE').body }),
    409,
    'PRIVATELINK_CANNOT_ACCEPT_ENDPOINTS',
    [f.id],
  );
  assert.equal((await call(t, 'DELETE', `/api/linkplane/v1/sim/faults/${rule.body.id}`, { noSpec: true })).status, 204);
});

test('duplicate endpoint id → 409 PRIVATELINK_INTERFACE_ENDPOINT_ALREADY_EXISTS [id], also while the first is DELETING', async () => {
  const g = await newProject(t);
  for (const p of PROVIDERS) {
    const s = await availableService(t, g, p);
    const { body, id } = endpointBody(p);
    assert.equal((await call(t, 'POST', endpointsPath(g, p, s.id), { body })).status, 201);
    const dup = await call(t, 'POST', endpointsPath(g, p, s.id), { body });
    assertError(dup, 409, 'PRIVATELINK_INTERFACE_ENDPOINT_ALREADY_EXISTS', [id]);
    assert.equal(dup.body.detail, `The PrivateLink already contains an interface endpoint with the specified id ${id}.`);
    await t.settle();
    assertError(await call(t, 'POST', endpointsPath(g, p, s.id), { body }), 409, 'PRIVATELINK_INTERFACE_ENDPOINT_ALREADY_EXISTS', [id]);
    assert.equal((await call(t, 'DELETE', endpointPath(g, p, s.id, id))).status, 202);
    assertError(await call(t, 'POST', endpointsPath(g, p, s.id), { body }), 409, 'PRIVATELINK_INTERFACE_ENDPOINT_ALREADY_EXISTS', [id]);
    await t.settle();
    assert.equal((await call(t, 'POST', endpointsPath(g, p, s.id), { body })).status, 201, 'free again once gone');
  }
});

test('the same endpoint id under two services of the project is allowed', async () => {
  const g = await newProject(t);
  const a = await availableService(t, g, 'AWS', { region: 'us-east-1' });
  const b = await availableService(t, g, 'AWS', { region: 'us-east-2' });
  assert.equal((await call(t, 'POST', endpointsPath(g, 'AWS', a.id), { body: { id: AWS_VPCE } })).status, 201);
  assert.equal((await call(t, 'POST', endpointsPath(g, 'AWS', b.id), { body: { id: AWS_VPCE } })).status, 201);
});

test('provider in the path differing from the service → 404 PRIVATE_ENDPOINT_SERVICE_NOT_FOUND on endpoint GET/DELETE', async () => {
  const g = await newProject(t);
  const s = await availableService(t, g, 'AWS');
  assert.equal((await call(t, 'POST', endpointsPath(g, 'AWS', s.id), { body: { id: AWS_VPCE } })).status, 201);
  for (const p of ['AZURE', 'GCP'] as const) {
    assertError(await call(t, 'GET', endpointPath(g, p, s.id, AWS_VPCE)), 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [s.id]);
    assertError(await call(t, 'DELETE', endpointPath(g, p, s.id, AWS_VPCE)), 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [s.id]);
  }
  const still = await call(t, 'GET', endpointPath(g, 'AWS', s.id, AWS_VPCE));
  assert.equal(still.body.deleteRequested, false);
});

test('unknown endpoint → 404 PRIVATE_ENDPOINT_SERVICE_NOT_FOUND [endpointId]; unknown service → 404 [serviceId]', async () => {
  const g = await newProject(t);
  for (const p of PROVIDERS) {
    const s = await availableService(t, g, p);
    const { id } = endpointBody(p);
    assertError(await call(t, 'GET', endpointPath(g, p, s.id, id)), 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [id]);
    assertError(await call(t, 'DELETE', endpointPath(g, p, s.id, id)), 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [id]);
  }
  const missing = 'cccccccccccccccccccccccc';
  assertError(await call(t, 'GET', endpointPath(g, 'AWS', missing, AWS_VPCE)), 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [missing]);
  assertError(await call(t, 'POST', endpointsPath(g, 'AWS', missing), { body: { id: AWS_VPCE } }), 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [missing]);
});

test('delete service with endpoints (also one still DELETING) → 409 CANNOT_DELETE_PRIVATELINK_WITH_ENDPOINTS; the service survives its last endpoint', async () => {
  const g = await newProject(t);
  for (const p of PROVIDERS) {
    const s = await availableService(t, g, p);
    const { body, id } = endpointBody(p);
    assert.equal((await call(t, 'POST', endpointsPath(g, p, s.id), { body })).status, 201);
    const r = await call(t, 'DELETE', servicePath(g, p, s.id));
    assertError(r, 409, 'CANNOT_DELETE_PRIVATELINK_WITH_ENDPOINTS', []);
    assert.equal(r.body.detail, 'A PrivateLink with endpoints cannot be deleted. Please delete all endpoints and retry.');
    assert.equal((await call(t, 'GET', servicePath(g, p, s.id))).body.status, 'AVAILABLE', 'the refused delete changed nothing');
    assert.equal((await call(t, 'DELETE', endpointPath(g, p, s.id, id))).status, 202);
    assertError(await call(t, 'DELETE', servicePath(g, p, s.id)), 409, 'CANNOT_DELETE_PRIVATELINK_WITH_ENDPOINTS', []);
    await t.settle();
    const survivor = await call(t, 'GET', servicePath(g, p, s.id));
    assert.equal(survivor.body.status, 'AVAILABLE', 'removing the last endpoint keeps the service (Part 5 decision)');
    assert.deepEqual(survivor.body[CHILD_KEY[p]], []);
    assert.equal((await call(t, 'DELETE', servicePath(g, p, s.id))).status, 202);
  }
});

test('Project Owner needed for writes: a GROUP_READ_ONLY key gets 401 USER_UNAUTHORIZED on every write and 200 on reads', async () => {
  const g = await newProject(t);
  const aws = await availableService(t, g, 'AWS');
  assert.equal((await call(t, 'POST', endpointsPath(g, 'AWS', aws.id), { body: { id: AWS_VPCE } })).status, 201);
  const ro = await projectKey(t, g, ['GROUP_READ_ONLY']);
  for (const tree of BOTH_TREES) {
    const o = { tree, ...ro };
    const writes = [
      await call(t, 'POST', `/groups/${g}/privateEndpoint/endpointService`, { ...o, body: { providerName: 'AZURE', region: 'US_EAST_2' } }),
      await call(t, 'PATCH', `/groups/${g}/privateEndpoint/endpointService/${aws.id}`, { ...o, body: { cloudProvider: 'AWS', supportedRemoteRegions: [] } }),
      await call(t, 'DELETE', servicePath(g, 'AWS', aws.id), o),
      await call(t, 'POST', endpointsPath(g, 'AWS', aws.id), { ...o, body: { id: 'vpce-22222222222222222' } }),
      await call(t, 'DELETE', endpointPath(g, 'AWS', aws.id, AWS_VPCE), o),
      await call(t, 'PATCH', `/groups/${g}/privateEndpoint/regionalMode`, { ...o, body: { enabled: true } }),
    ];
    for (const w of writes) assertError(w, 401, 'USER_UNAUTHORIZED', []);
    const reads = [
      await call(t, 'GET', `/groups/${g}/privateEndpoint/AWS/endpointService`, o),
      await call(t, 'GET', servicePath(g, 'AWS', aws.id), o),
      await call(t, 'GET', endpointPath(g, 'AWS', aws.id, AWS_VPCE), o),
      await call(t, 'GET', `/groups/${g}/privateEndpoint/regionalMode`, o),
    ];
    for (const r of reads) assert.equal(r.status, 200, r.text);
  }
  // Nothing changed.
  const s = await call(t, 'GET', servicePath(g, 'AWS', aws.id));
  assert.deepEqual(s.body.interfaceEndpoints, [AWS_VPCE]);
  assert.equal(s.body.supportedRemoteRegions, null);
  assert.deepEqual((await call(t, 'GET', `/groups/${g}/privateEndpoint/AZURE/endpointService`)).body, []);
  assert.deepEqual((await call(t, 'GET', `/groups/${g}/privateEndpoint/regionalMode`)).body, { enabled: false });
});

test('a GROUP_OWNER project key may write; a key of the organization without a role on the project may not', async () => {
  const g = await newProject(t);
  const owner = await projectKey(t, g, ['GROUP_OWNER']);
  const c = await call(t, 'POST', `/groups/${g}/privateEndpoint/endpointService`, { ...owner, body: { providerName: 'GCP', region: 'US_EAST_4' } });
  assert.equal(c.status, 201, c.text);
  const other = await newProject(t);
  const outsider = await projectKey(t, other, ['GROUP_OWNER']);
  assertError(await call(t, 'GET', `/groups/${g}/privateEndpoint/GCP/endpointService`, outsider), 401, 'USER_UNAUTHORIZED', []);
  const member = await orgKey(t, ['ORG_MEMBER']);
  assertError(await call(t, 'GET', servicePath(g, 'GCP', c.body.id), member), 401, 'USER_UNAUTHORIZED', []);
  const orgRead = await orgKey(t, ['ORG_READ_ONLY']);
  assert.equal((await call(t, 'GET', servicePath(g, 'GCP', c.body.id), orgRead)).status, 200);
  assertError(await call(t, 'DELETE', servicePath(g, 'GCP', c.body.id), orgRead), 401, 'USER_UNAUTHORIZED', []);
});

test('unauthenticated requests get the digest challenge, before any body is read', async () => {
  const g = await newProject(t);
  const r = await t.app.inject({
    method: 'POST',
    url: `${TREE_PREFIX.v2}/groups/${g}/privateEndpoint/endpointService`,
    headers: { accept: V2_ACCEPT, 'content-type': 'application/json' },
    payload: '{not json',
  });
  assert.equal(r.statusCode, 401);
  assert.match(String(r.headers['www-authenticate']), /^Digest realm="MMS Public API"/);
  const wrong = await digest(t.app, { method: 'GET', url: `${TREE_PREFIX.v2}/groups/${g}/privateEndpoint/AWS/endpointService`, pass: 'wrong', headers: { accept: V2_ACCEPT } });
  assert.equal(wrong.statusCode, 401);
});

test('envelope and pretty on endpoint routes', async () => {
  const g = await newProject(t);
  const s = await availableService(t, g, 'AZURE');
  const c = await call(t, 'POST', `${endpointsPath(g, 'AZURE', s.id)}?envelope=true`, { body: endpointBody('AZURE').body });
  assert.equal(c.status, 200);
  assert.equal(c.body.status, 201);
  assert.equal(c.body.content.status, 'INITIATING');
  const enc = encodeURIComponent(AZURE_PE_ID);
  const p = await call(t, 'GET', `${endpointsPath(g, 'AZURE', s.id)}/${enc}?pretty=true`, { tree: 'v1' });
  assert.equal(p.status, 200);
  assert.ok(p.text.startsWith('{\n  "cloudProvider" : "AZURE",\n  "deleteRequested" : false,'), p.text);
  const e = await call(t, 'GET', `${endpointsPath(g, 'AZURE', s.id)}/${encodeURIComponent(AZURE_PE_ID.replace('pe1', 'nope'))}?envelope=true`);
  assert.equal(e.status, 200);
  assert.equal(e.body.status, 404);
  assert.equal(e.body.content.errorCode, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND');
  const d = await call(t, 'DELETE', `${endpointsPath(g, 'AZURE', s.id)}/${enc}?envelope=true&pretty=true`);
  assert.equal(d.status, 200);
  assert.equal(d.text, '{\n  "content" : { },\n  "status" : 202\n}');
});

test('GET of endpoint ids containing reserved characters is routed on the raw path (no double decoding)', async () => {
  const g = await newProject(t);
  const s = await availableService(t, g, 'AZURE');
  const id = '/subscriptions/4e133d35-e734-4380-a565-c0945535da37/resourceGroups/rg.(x)-y_z/providers/Microsoft.Network/privateEndpoints/pe.1_x-y';
  const c = await call(t, 'POST', endpointsPath(g, 'AZURE', s.id), { body: { id, privateEndpointIPAddress: '10.0.0.7' } });
  assert.equal(c.status, 201, c.text);
  const got = await call(t, 'GET', endpointPath(g, 'AZURE', s.id, id));
  assert.equal(got.status, 200, got.text);
  assert.equal(got.body.privateEndpointResourceId, id);
  // `%252F` is a literal "%2F" inside the id, not a slash: no such endpoint.
  const double = await call(t, 'GET', `${endpointsPath(g, 'AZURE', s.id)}/${encodeURIComponent(encodeURIComponent(id))}`);
  assert.equal(double.status, 404);
});
