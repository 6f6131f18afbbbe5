/**
 * Private endpoint services through inject(), under both trees: create (every provider, region in
 * native and Atlas form), list, get, delete, PATCH of AWS remote regions, and Atlas's rules with their
 * exact codes. Every response is checked against both OpenAPI extracts by `call`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { prettyJson } from '../../src/api/pretty-json.ts';
import {
  BOTH_TREES,
  FORMATS,
  SERVICE_KEYS,
  V2_CONTENT_TYPE,
  assertError,
  availableService,
  call,
  createService,
  endpointBody,
  endpointsPath,
  newProject,
  servicePath,
  servicesPath,
  type Provider,
} from './private-endpoint-fixtures.ts';

let t: TestLinkplane;
before(async () => {
  t = await startTestLinkplane();
});
after(() => t.close());

for (const tree of BOTH_TREES) {
  test(`${tree}: create AWS with the native region us-east-1 → 201, regionName US_EAST_1, INITIATING, nulls written out`, async () => {
    const g = await newProject(t);
    const r = await call(t, 'POST', servicesPath(g), { tree, body: { providerName: 'AWS', region: 'us-east-1' } });
    assert.equal(r.status, 201);
    assert.equal(r.headers['content-type'], tree === 'v2' ? V2_CONTENT_TYPE : 'application/json');
    assert.equal(r.headers.location, undefined, 'Atlas sends no Location on private endpoint create');
    assert.deepEqual(Object.keys(r.body), SERVICE_KEYS.AWS);
    assert.match(r.body.id, FORMATS.objectId);
    assert.deepEqual(r.body, {
      cloudProvider: 'AWS',
      endpointServiceName: null,
      errorMessage: null,
      id: r.body.id,
      interfaceEndpoints: [],
      regionName: 'US_EAST_1',
      status: 'INITIATING',
      supportedRemoteRegions: null,
    });
    // The ObjectId's first 4 bytes are the creation time (as in Atlas's recorded ids).
    assert.equal(parseInt(r.body.id.slice(0, 8), 16), Math.floor(t.clock.ms / 1000));
    // Compact JSON, keys in Atlas's order.
    assert.equal(r.text, JSON.stringify(r.body));
  });

  test(`${tree}: create AWS with the Atlas region form US_EAST_2 and with supportedRemoteRegions`, async () => {
    const g = await newProject(t);
    const a = await call(t, 'POST', servicesPath(g), { tree, body: { providerName: 'AWS', region: 'US_EAST_2' } });
    assert.equal(a.status, 201);
    assert.equal(a.body.regionName, 'US_EAST_2');
    const b = await call(t, 'POST', servicesPath(g), {
      tree,
      body: { providerName: 'AWS', region: 'eu-west-1', supportedRemoteRegions: ['US_EAST_1', 'EU_CENTRAL_1'] },
    });
    assert.equal(b.status, 201, b.text);
    assert.equal(b.body.regionName, 'EU_WEST_1');
    assert.deepEqual(b.body.supportedRemoteRegions, ['US_EAST_1', 'EU_CENTRAL_1']);
    const c = await call(t, 'POST', servicesPath(g), { tree, body: { providerName: 'AWS', region: 'ap-southeast-1', supportedRemoteRegions: [] } });
    assert.equal(c.status, 201, c.text);
    assert.deepEqual(c.body.supportedRemoteRegions, [], 'an explicit [] is kept');
    const d = await call(t, 'POST', servicesPath(g), { tree, body: { providerName: 'AWS', region: 'ca-central-1', supportedRemoteRegions: null } });
    assert.equal(d.status, 201, d.text);
    assert.equal(d.body.supportedRemoteRegions, null);
  });

  test(`${tree}: create AZURE (Atlas and native region) → 201 with only Azure keys`, async () => {
    const g = await newProject(t);
    const r = await call(t, 'POST', servicesPath(g), { tree, body: { providerName: 'AZURE', region: 'ASIA_SOUTH_EAST' } });
    assert.equal(r.status, 201);
    assert.deepEqual(Object.keys(r.body), SERVICE_KEYS.AZURE);
    assert.deepEqual(r.body, {
      cloudProvider: 'AZURE',
      errorMessage: null,
      id: r.body.id,
      privateEndpoints: [],
      privateLinkServiceName: null,
      privateLinkServiceResourceId: null,
      regionName: 'ASIA_SOUTH_EAST',
      status: 'INITIATING',
    });
    const n = await call(t, 'POST', servicesPath(g), { tree, body: { providerName: 'AZURE', region: 'eastus2' } });
    assert.equal(n.status, 201);
    assert.equal(n.body.regionName, 'US_EAST_2');
  });

  test(`${tree}: create GCP with portMappingEnabled, native and Atlas region forms`, async () => {
    const g = await newProject(t);
    const r = await call(t, 'POST', servicesPath(g), { tree, body: { portMappingEnabled: false, providerName: 'GCP', region: 'US_EAST_4' } });
    assert.equal(r.status, 201);
    assert.deepEqual(Object.keys(r.body), SERVICE_KEYS.GCP);
    assert.deepEqual(r.body, {
      cloudProvider: 'GCP',
      endpointGroupNames: [],
      errorMessage: null,
      id: r.body.id,
      portMappingEnabled: false,
      regionName: 'US_EAST_4',
      serviceAttachmentNames: [],
      status: 'INITIATING',
    });
    const pm = await call(t, 'POST', servicesPath(g), { tree, body: { providerName: 'GCP', region: 'us-central1', portMappingEnabled: true } });
    assert.equal(pm.status, 201);
    assert.equal(pm.body.regionName, 'CENTRAL_US');
    assert.equal(pm.body.portMappingEnabled, true);
    const dflt = await call(t, 'POST', servicesPath(g), { tree, body: { providerName: 'GCP', region: 'europe-west1' } });
    assert.equal(dflt.body.regionName, 'WESTERN_EUROPE');
    assert.equal(dflt.body.portMappingEnabled, false, 'portMappingEnabled defaults to false');
  });

  test(`${tree}: list per provider is a bare array of that provider's services only; get returns the same body`, async () => {
    const g = await newProject(t);
    for (const p of ['AZURE', 'GCP'] as const) {
      const empty = await call(t, 'GET', `/groups/${g}/privateEndpoint/${p}/endpointService`, { tree });
      assert.equal(empty.status, 200);
      assert.equal(empty.text, '[]');
    }
    const a1 = await createService(t, g, 'AWS', { region: 'us-east-1' }, tree);
    const a2 = await createService(t, g, 'AWS', { region: 'us-west-2' }, tree);
    await createService(t, g, 'AZURE', {}, tree);
    const list = await call(t, 'GET', `/groups/${g}/privateEndpoint/AWS/endpointService`, { tree });
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(list.body), 'a bare array, not {results,totalCount,links}');
    assert.deepEqual(
      list.body.map((s: { id: string }) => s.id),
      [a1.id, a2.id],
    );
    for (const s of list.body) assert.equal(s.cloudProvider, 'AWS');
    const one = await call(t, 'GET', servicePath(g, 'AWS', a2.id), { tree });
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, list.body[1]);
    const gcp = await call(t, 'GET', `/groups/${g}/privateEndpoint/GCP/endpointService`, { tree });
    assert.deepEqual(gcp.body, []);
  });

  test(`${tree}: delete → 202 {} and the very next GET shows DELETING, then 404 PRIVATE_ENDPOINT_SERVICE_NOT_FOUND`, async () => {
    const g = await newProject(t);
    for (const p of ['AWS', 'AZURE', 'GCP'] as const) {
      const s = await availableService(t, g, p);
      const d = await call(t, 'DELETE', servicePath(g, p, s.id), { tree });
      assert.equal(d.status, 202);
      assert.equal(d.text, '{}');
      assert.equal(d.headers['content-type'], tree === 'v2' ? V2_CONTENT_TYPE : 'application/json');
      const next = await call(t, 'GET', servicePath(g, p, s.id), { tree });
      assert.equal(next.status, 200);
      assert.equal(next.body.status, 'DELETING');
      assert.deepEqual(Object.keys(next.body), SERVICE_KEYS[p]);
      // A repeated DELETE while deleting is accepted again.
      const again = await call(t, 'DELETE', servicePath(g, p, s.id), { tree });
      assert.equal(again.status, 202);
      await t.settle();
      const gone = await call(t, 'GET', servicePath(g, p, s.id), { tree });
      assertError(gone, 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [s.id]);
      const list = await call(t, 'GET', `/groups/${g}/privateEndpoint/${p}/endpointService`, { tree });
      assert.deepEqual(list.body, []);
      const del = await call(t, 'DELETE', servicePath(g, p, s.id), { tree });
      assertError(del, 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [s.id]);
    }
  });

  test(`${tree}: PATCH /privateEndpoint/endpointService/{id} changes AWS remote regions (200 with the service)`, async () => {
    const g = await newProject(t);
    const s = await availableService(t, g, 'AWS', { region: 'us-east-1' });
    const url = `/groups/${g}/privateEndpoint/endpointService/${s.id}`;
    const set = await call(t, 'PATCH', url, { tree, body: { cloudProvider: 'AWS', supportedRemoteRegions: ['US_WEST_2', 'EU_WEST_1'] } });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(Object.keys(set.body), SERVICE_KEYS.AWS);
    assert.deepEqual(set.body.supportedRemoteRegions, ['US_WEST_2', 'EU_WEST_1']);
    assert.equal(set.body.status, 'AVAILABLE');
    assert.equal(set.body.endpointServiceName, s.endpointServiceName);
    const read = await call(t, 'GET', servicePath(g, 'AWS', s.id), { tree });
    assert.deepEqual(read.body, set.body);
    const empty = await call(t, 'PATCH', url, { tree, body: { cloudProvider: 'AWS', supportedRemoteRegions: [] } });
    assert.deepEqual(empty.body.supportedRemoteRegions, []);
    const cleared = await call(t, 'PATCH', url, { tree, body: { cloudProvider: 'AWS', supportedRemoteRegions: null } });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.supportedRemoteRegions, null);
    const omitted = await call(t, 'PATCH', url, { tree, body: { cloudProvider: 'AWS' } });
    assert.equal(omitted.status, 200);
    assert.equal(omitted.body.supportedRemoteRegions, null);
  });
}

test('duplicate (project, provider, region) → 409 PRIVATE_ENDPOINT_SERVICE_ALREADY_EXISTS_FOR_REGION [provider, region], in either region form', async () => {
  const g = await newProject(t);
  await createService(t, g, 'AWS', { region: 'US_EAST_1' });
  for (const region of ['US_EAST_1', 'us-east-1', 'US-EAST-1']) {
    const dup = await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS', region } });
    assertError(dup, 409, 'PRIVATE_ENDPOINT_SERVICE_ALREADY_EXISTS_FOR_REGION', ['AWS', 'US_EAST_1']);
    assert.equal(dup.body.detail, 'A private endpoint service already exists for AWS region US_EAST_1.');
    assert.equal(dup.body.reason, 'Conflict');
  }
  await createService(t, g, 'AZURE', { region: 'US_EAST_2' });
  const azDup = await call(t, 'POST', servicesPath(g), { tree: 'v1', body: { providerName: 'AZURE', region: 'eastus2' } });
  assertError(azDup, 409, 'PRIVATE_ENDPOINT_SERVICE_ALREADY_EXISTS_FOR_REGION', ['AZURE', 'US_EAST_2']);
  await createService(t, g, 'GCP', { region: 'CENTRAL_US' });
  const gDup = await call(t, 'POST', servicesPath(g), { body: { providerName: 'GCP', region: 'us-central1', portMappingEnabled: true } });
  assertError(gDup, 409, 'PRIVATE_ENDPOINT_SERVICE_ALREADY_EXISTS_FOR_REGION', ['GCP', 'CENTRAL_US']);
  // Same region name under another provider, and the same region in another project, are fine.
  const otherProvider = await call(t, 'POST', servicesPath(g), { body: { providerName: 'GCP', region: 'US_WEST_2' } });
  assert.equal(otherProvider.status, 201);
  const awsWest = await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS', region: 'US_WEST_2' } });
  assert.equal(awsWest.status, 201);
  const g2 = await newProject(t);
  const otherProject = await call(t, 'POST', servicesPath(g2), { body: { providerName: 'AWS', region: 'US_EAST_1' } });
  assert.equal(otherProject.status, 201);
});

test('duplicate region also while the old service is DELETING; free again once it is gone', async () => {
  const g = await newProject(t);
  const s = await availableService(t, g, 'AWS', { region: 'eu-west-1' });
  const d = await call(t, 'DELETE', servicePath(g, 'AWS', s.id));
  assert.equal(d.status, 202);
  const deleting = await call(t, 'GET', servicePath(g, 'AWS', s.id));
  assert.equal(deleting.body.status, 'DELETING');
  const dup = await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS', region: 'EU_WEST_1' } });
  assertError(dup, 409, 'PRIVATE_ENDPOINT_SERVICE_ALREADY_EXISTS_FOR_REGION', ['AWS', 'EU_WEST_1']);
  await t.settle();
  const again = await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS', region: 'EU_WEST_1' } });
  assert.equal(again.status, 201);
  assert.notEqual(again.body.id, s.id);
});

test('unknown or wrongly spelled region → 400 INVALID_REGION [region, provider]', async () => {
  const g = await newProject(t);
  const cases: [Provider, string][] = [
    ['AWS', 'us-east-9'],
    ['AWS', 'us_east_1'],
    ['AWS', 'EASTERN_US'],
    ['AZURE', 'US_EAST_1'],
    ['AZURE', 'mars'],
    ['GCP', 'us-east-1'],
    ['GCP', 'central_us'],
    ['AWS', ''],
  ];
  for (const [provider, region] of cases) {
    const r = await call(t, 'POST', servicesPath(g), { body: { providerName: provider, region } });
    assertError(r, 400, 'INVALID_REGION', [region, provider]);
    assert.equal(r.body.detail, `No region ${region} exists for provider ${provider}.`);
  }
  const list = await call(t, 'GET', `/groups/${g}/privateEndpoint/AWS/endpointService`);
  assert.deepEqual(list.body, [], 'nothing was created');
});

test('create body rules: missing/unknown attributes, bad provider, portMappingEnabled outside GCP → 400', async () => {
  const g = await newProject(t);
  assertError(await call(t, 'POST', servicesPath(g), { body: { region: 'US_EAST_1' } }), 400, 'MISSING_ATTRIBUTE', ['providerName']);
  assertError(await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS' } }), 400, 'MISSING_ATTRIBUTE', ['region']);
  assertError(await call(t, 'POST', servicesPath(g), { body: { providerName: 'aws', region: 'US_EAST_1' } }), 400, 'INVALID_ENUM_VALUE', ['aws']);
  assertError(
    await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS', region: 'US_EAST_1', cloudProvider: 'AWS' } }),
    400,
    'INVALID_ATTRIBUTE',
    ['cloudProvider'],
  );
  assertError(
    await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS', region: 'US_EAST_1', portMappingEnabled: true } }),
    400,
    'INVALID_ATTRIBUTE',
    ['portMappingEnabled'],
  );
  assertError(
    await call(t, 'POST', servicesPath(g), { body: { providerName: 'AZURE', region: 'US_EAST_2', portMappingEnabled: true } }),
    400,
    'INVALID_ATTRIBUTE',
    ['portMappingEnabled'],
  );
  assertError(
    await call(t, 'POST', servicesPath(g), { body: { providerName: 'GCP', region: 'US_EAST_4', portMappingEnabled: 'yes' } }),
    400,
    'INVALID_JSON_ATTRIBUTE',
    ['portMappingEnabled'],
  );
  assertError(await call(t, 'POST', servicesPath(g), { payload: '{"providerName":' }), 400, 'INVALID_JSON', []);
  assertError(await call(t, 'POST', servicesPath(g), { body: ['AWS'] }), 400, 'INVALID_JSON', []);
});

test('remote-region rules on create: own region, lower-case names, AZURE/GCP, more than 35', async () => {
  const g = await newProject(t);
  const self = await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS', region: 'us-east-1', supportedRemoteRegions: ['US_WEST_2', 'US_EAST_1'] } });
  assertError(self, 400, 'CROSS_REGION_PRIVATE_LINK_SELF_REGION', ['US_EAST_1']);
  const lower = await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS', region: 'US_WEST_1', supportedRemoteRegions: ['us-east-1'] } });
  assertError(lower, 400, 'INVALID_ATTRIBUTE', ['supportedRemoteRegions']);
  const lowerSelf = await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS', region: 'us-east-1', supportedRemoteRegions: ['us-east-1'] } });
  assertError(lowerSelf, 400, 'INVALID_ATTRIBUTE', ['supportedRemoteRegions']);
  const snake = await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS', region: 'US_WEST_1', supportedRemoteRegions: ['us_east_1'] } });
  assertError(snake, 400, 'INVALID_ATTRIBUTE', ['supportedRemoteRegions']);
  const unknown = await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS', region: 'US_EAST_1', supportedRemoteRegions: ['CENTRAL_US'] } });
  assertError(unknown, 400, 'INVALID_ATTRIBUTE', ['supportedRemoteRegions']);
  const azure = await call(t, 'POST', servicesPath(g), { body: { providerName: 'AZURE', region: 'US_EAST_2', supportedRemoteRegions: ['US_EAST_1'] } });
  assertError(azure, 400, 'PROVIDER_UNSUPPORTED', ['AZURE']);
  const gcp = await call(t, 'POST', servicesPath(g), { body: { providerName: 'GCP', region: 'US_EAST_4', supportedRemoteRegions: [] } });
  assertError(gcp, 400, 'PROVIDER_UNSUPPORTED', ['GCP']);
  const many = await call(t, 'POST', servicesPath(g), {
    body: { providerName: 'AWS', region: 'GLOBAL', supportedRemoteRegions: Array.from({ length: 36 }, () => 'US_EAST_2') },
  });
  assertError(many, 400, 'INVALID_JSON_ATTRIBUTE', ['supportedRemoteRegions']);
  const notStrings = await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS', region: 'US_EAST_1', supportedRemoteRegions: [1] } });
  assertError(notStrings, 400, 'INVALID_JSON_ATTRIBUTE', ['supportedRemoteRegions']);
  const list = await call(t, 'GET', `/groups/${g}/privateEndpoint/AWS/endpointService`);
  assert.deepEqual(list.body, []);
});

test('remote-region rules on PATCH: own region, lower-case, AZURE, unknown service, bad body', async () => {
  const g = await newProject(t);
  const aws = await availableService(t, g, 'AWS', { region: 'us-east-1' });
  const az = await availableService(t, g, 'AZURE');
  const url = (id: string) => `/groups/${g}/privateEndpoint/endpointService/${id}`;
  assertError(
    await call(t, 'PATCH', url(aws.id), { body: { cloudProvider: 'AWS', supportedRemoteRegions: ['US_EAST_1'] } }),
    400,
    'CROSS_REGION_PRIVATE_LINK_SELF_REGION',
    ['US_EAST_1'],
  );
  assertError(
    await call(t, 'PATCH', url(aws.id), { body: { cloudProvider: 'AWS', supportedRemoteRegions: ['US_WEST_2', 'us-east-1'] } }),
    400,
    'INVALID_ATTRIBUTE',
    ['supportedRemoteRegions'],
  );
  assertError(
    await call(t, 'PATCH', url(az.id), { body: { cloudProvider: 'AZURE', supportedRemoteRegions: ['US_EAST_1'] } }),
    400,
    'PROVIDER_UNSUPPORTED',
    ['AZURE'],
  );
  assertError(
    await call(t, 'PATCH', url(az.id), { body: { cloudProvider: 'AWS', supportedRemoteRegions: ['US_EAST_1'] } }),
    400,
    'PROVIDER_UNSUPPORTED',
    ['AZURE'],
  );
  assertError(
    await call(t, 'PATCH', url(aws.id), { body: { cloudProvider: 'GCP', supportedRemoteRegions: [] } }),
    400,
    'PROVIDER_UNSUPPORTED',
    ['GCP'],
  );
  assertError(await call(t, 'PATCH', url(aws.id), { body: { supportedRemoteRegions: [] } }), 400, 'MISSING_ATTRIBUTE', ['cloudProvider']);
  assertError(
    await call(t, 'PATCH', url(aws.id), { body: { cloudProvider: 'AWS', regionName: 'US_EAST_2' } }),
    400,
    'INVALID_ATTRIBUTE',
    ['regionName'],
  );
  const missing = '0123456789abcdef01234567';
  assertError(
    await call(t, 'PATCH', url(missing), { body: { cloudProvider: 'AWS', supportedRemoteRegions: [] } }),
    404,
    'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND',
    [missing],
  );
  const unchanged = await call(t, 'GET', servicePath(g, 'AWS', aws.id));
  assert.equal(unchanged.body.supportedRemoteRegions, null, 'rejected PATCHes change nothing');
});

test('provider in the path differing from the service → 404 PRIVATE_ENDPOINT_SERVICE_NOT_FOUND (GET, DELETE, POST endpoint)', async () => {
  const g = await newProject(t);
  const aws = await availableService(t, g, 'AWS');
  for (const other of ['AZURE', 'GCP'] as const) {
    assertError(await call(t, 'GET', servicePath(g, other, aws.id)), 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [aws.id]);
    assertError(await call(t, 'DELETE', servicePath(g, other, aws.id)), 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [aws.id]);
    assertError(
      await call(t, 'POST', endpointsPath(g, other, aws.id), { body: endpointBody(other).body }),
      404,
      'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND',
      [aws.id],
    );
  }
  const still = await call(t, 'GET', servicePath(g, 'AWS', aws.id));
  assert.equal(still.body.status, 'AVAILABLE', 'the mismatched DELETE did not touch the service');
});

test('addressing: unknown or foreign service 404, malformed ids 400/404, lower-case provider 400, unknown project 404', async () => {
  const g = await newProject(t);
  const g2 = await newProject(t);
  const foreign = await createService(t, g2, 'AWS');
  assertError(await call(t, 'GET', servicePath(g, 'AWS', foreign.id)), 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [foreign.id]);
  const missing = 'aaaaaaaaaaaaaaaaaaaaaaaa';
  assertError(await call(t, 'GET', servicePath(g, 'AWS', missing)), 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [missing]);
  const bad = await call(t, 'GET', servicePath(g, 'AWS', 'not-an-id'));
  assertError(bad, 400, 'PATH_PARAM_PARSE_ERROR');
  const badV1 = await call(t, 'GET', servicePath(g, 'AWS', 'not-an-id'), { tree: 'v1' });
  assertError(badV1, 400, 'PATH_PARAM_PARSE_ERROR');
  assertError(await call(t, 'GET', `/groups/${g}/privateEndpoint/aws/endpointService`), 400, 'INVALID_PROVIDER', ['aws']);
  assertError(await call(t, 'GET', `/groups/${g}/privateEndpoint/ORACLE/endpointService`), 400, 'INVALID_PROVIDER', ['ORACLE']);
  const nope = 'bbbbbbbbbbbbbbbbbbbbbbbb';
  assertError(await call(t, 'GET', `/groups/${nope}/privateEndpoint/AWS/endpointService`), 404, 'GROUP_NOT_FOUND', [nope]);
  assertError(await call(t, 'POST', servicesPath(nope), { body: { providerName: 'AWS', region: 'US_EAST_1' } }), 404, 'GROUP_NOT_FOUND', [nope]);
  assertError(await call(t, 'GET', `/groups/xyz/privateEndpoint/AWS/endpointService`, { tree: 'v1' }), 400, 'PATH_PARAM_PARSE_ERROR', [
    '/api/atlas/v1.0/groups/xyz/privateEndpoint/AWS/endpointService',
  ]);
});

test('project delete with a service (also a DELETING one) → 409 CANNOT_CLOSE_GROUP_ACTIVE_ATLAS_PRIVATE_ENDPOINT_SERVICES', async () => {
  const g = await newProject(t);
  const s = await availableService(t, g, 'GCP');
  for (const tree of BOTH_TREES) {
    const r = await call(t, 'DELETE', `/groups/${g}`, { tree });
    assertError(r, 409, 'CANNOT_CLOSE_GROUP_ACTIVE_ATLAS_PRIVATE_ENDPOINT_SERVICES', []);
    assert.equal(r.body.detail, 'Cannot close group while it has active private endpoint services; please terminate all private endpoint services.');
  }
  assert.equal((await call(t, 'DELETE', servicePath(g, 'GCP', s.id))).status, 202);
  assert.equal((await call(t, 'GET', servicePath(g, 'GCP', s.id))).body.status, 'DELETING');
  assertError(await call(t, 'DELETE', `/groups/${g}`), 409, 'CANNOT_CLOSE_GROUP_ACTIVE_ATLAS_PRIVATE_ENDPOINT_SERVICES', []);
  await t.settle();
  const ok = await call(t, 'DELETE', `/groups/${g}`);
  assert.equal(ok.status, 202, ok.text);
  assertError(await call(t, 'GET', `/groups/${g}/privateEndpoint/GCP/endpointService`), 404, 'GROUP_NOT_FOUND', [g]);
});

test('envelope=true: HTTP 200 with {content, status} for single bodies, bare-array lists, deletes and errors', async () => {
  const g = await newProject(t);
  for (const tree of BOTH_TREES) {
    const c = await call(t, 'POST', `${servicesPath(g)}?envelope=true`, { tree, body: { providerName: 'AZURE', region: tree === 'v2' ? 'US_WEST' : 'US_EAST' } });
    assert.equal(c.status, 200);
    assert.deepEqual(Object.keys(c.body), ['content', 'status']);
    assert.equal(c.body.status, 201);
    assert.equal(c.body.content.status, 'INITIATING');
    const id = c.body.content.id;
    const one = await call(t, 'GET', `${servicePath(g, 'AZURE', id)}?envelope=true`, { tree });
    assert.deepEqual(one.body, { content: one.body.content, status: 200 });
    assert.equal(one.body.content.id, id);
    const list = await call(t, 'GET', `/groups/${g}/privateEndpoint/AZURE/endpointService?envelope=true`, { tree });
    assert.equal(list.status, 200);
    assert.equal(list.body.status, 200);
    assert.ok(Array.isArray(list.body.content));
    const err = await call(t, 'GET', `${servicePath(g, 'GCP', id)}?envelope=true`, { tree });
    assert.equal(err.status, 200);
    assert.equal(err.body.status, 404);
    assert.equal(err.body.content.errorCode, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND');
    await t.settle();
    const d = await call(t, 'DELETE', `${servicePath(g, 'AZURE', id)}?envelope=true`, { tree });
    assert.equal(d.status, 200);
    assert.deepEqual(d.body, { content: {}, status: 202 });
  }
});

test('pretty=true: Jackson layout of the same body; pretty=false is compact', async () => {
  const g = await newProject(t);
  const s = await createService(t, g, 'AWS');
  const p = await call(t, 'GET', `${servicePath(g, 'AWS', s.id)}?pretty=true`);
  assert.equal(p.status, 200);
  assert.equal(p.text, prettyJson(s));
  assert.ok(p.text.startsWith('{\n  "cloudProvider" : "AWS",\n  "endpointServiceName" : null,'), p.text);
  assert.ok(p.text.includes('"interfaceEndpoints" : [ ],'), p.text);
  const l = await call(t, 'GET', `/groups/${g}/privateEndpoint/AWS/endpointService?pretty=true`, { tree: 'v1' });
  assert.equal(l.text, prettyJson([s]));
  const c = await call(t, 'GET', `${servicePath(g, 'AWS', s.id)}?pretty=false`);
  assert.equal(c.text, JSON.stringify(s));
  const both = await call(t, 'GET', `${servicePath(g, 'AWS', s.id)}?pretty=true&envelope=true`);
  assert.equal(both.text, prettyJson({ content: s, status: 200 }));
  const err = await call(t, 'GET', `${servicePath(g, 'AZURE', s.id)}?pretty=true`);
  assert.equal(err.status, 404);
  assert.ok(err.text.includes('"errorCode" : "PRIVATE_ENDPOINT_SERVICE_NOT_FOUND"'), err.text);
  assertError(await call(t, 'GET', `${servicePath(g, 'AWS', s.id)}?pretty=yes`), 400, 'INVALID_QUERY_PARAMETER', ['pretty']);
});

test('v2 without the versioned Accept → 406 INVALID_VERSION_DATE; later version dates are served as 2023-01-01', async () => {
  const g = await newProject(t);
  const r = await call(t, 'GET', `/groups/${g}/privateEndpoint/AWS/endpointService`, { headers: { accept: 'application/json' } });
  assertError(r, 406, 'INVALID_VERSION_DATE', []);
  const later = await call(t, 'GET', `/groups/${g}/privateEndpoint/AWS/endpointService`, { headers: { accept: 'application/vnd.atlas.2025-03-12+json' } });
  assert.equal(later.status, 200);
  assert.equal(later.headers['content-type'], V2_CONTENT_TYPE);
});
