import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  Atlas,
  BOOT,
  CurlTransport,
  errorBody,
  PythonRequestsTransport,
  show,
  type Resp,
  type Transport,
  type Tree,
} from '../interop/transports.ts';
import { pollUntil, startServer, tempDb, type ServerProcess } from '../support/process.ts';

/**
 * The whole private-endpoint flow, for AWS and Azure, through both API trees, driven by curl --digest
 * and by python requests against a real `linkplane serve` that starts from an empty store:
 * project → service → AVAILABLE → endpoint → AVAILABLE → a fault rule makes a second endpoint fail
 * → delete it, remove the rule, add the same id again → AVAILABLE → delete the endpoints → delete the
 * service (DELETING, then 404) → delete the project.
 */

type Provider = 'AWS' | 'AZURE';

const V2_TYPE = 'application/vnd.atlas.2023-01-01+json;charset=utf-8';
const OBJECT_ID = /^[0-9a-f]{24}$/;
const SUB = '3f2a5c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b';
const azureId = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg-seed/providers/Microsoft.Network/privateEndpoints/${name}`;

interface ProviderCase {
  region: string;
  regionName: string;
  /** The endpoint that goes AVAILABLE, and the one the fault rule fails first. */
  good: { id: string; ip?: string };
  faulty: { id: string; ip?: string };
  path: string[];
  failure: string;
  statusKey: 'connectionStatus' | 'status';
  fault: Record<string, unknown>;
  failureMessage: string;
  /** A time scale that makes the simulated service deletion (AWS 60 s, Azure 30 s) last about one second. */
  deleteScale: number;
}

const CASES: Record<Provider, ProviderCase> = {
  AWS: {
    region: 'us-east-1',
    regionName: 'US_EAST_1',
    good: { id: 'vpce-0a1b2c3d4e5f60718' },
    faulty: { id: 'vpce-0fedcba9876543210' },
    path: ['PENDING_ACCEPTANCE', 'PENDING', 'AVAILABLE'],
    failure: 'REJECTED',
    statusKey: 'connectionStatus',
    fault: { provider: 'AWS', kind: 'endpoint', match: { endpointId: 'vpce-0fedcba9876543210' }, outcome: 'REJECTED' },
    failureMessage: 'Verify endpoint ID and accepted regions, then retry your connection.',
    deleteScale: 1 / 60,
  },
  AZURE: {
    region: 'US_EAST_2',
    regionName: 'US_EAST_2',
    good: { id: azureId('pe-seed-good'), ip: '10.0.0.4' },
    faulty: { id: azureId('pe-seed-faulty'), ip: '10.0.0.5' },
    path: ['INITIATING', 'AVAILABLE'],
    failure: 'FAILED',
    statusKey: 'status',
    fault: {
      provider: 'AZURE',
      kind: 'endpoint',
      match: { endpointId: azureId('pe-seed-faulty') },
      outcome: 'FAILED',
      errorMessage: 'Private endpoint connection was rejected by the seed fault rule.',
    },
    failureMessage: 'Private endpoint connection was rejected by the seed fault rule.',
    deleteScale: 1 / 30,
  },
};

function expect(r: Resp, status: number, tree: Tree): Resp {
  assert.equal(r.status, status, show(r));
  if (status !== 204) assert.equal(r.headers['content-type'], status < 400 && tree === 'v2' ? V2_TYPE : 'application/json', show(r));
  return r;
}

/** Polls a GET, checking every observed status is allowed, until `done`; returns the final response and the status trail. */
async function watch(api: Atlas, path: string, what: string, allowed: (r: Resp) => boolean, done: (r: Resp) => boolean) {
  const trail: string[] = [];
  let last: Resp | undefined;
  const final = await pollUntil(
    what,
    async () => {
      last = await api.get(path);
      const label = last.status === 200 ? String(last.body?.status ?? last.body?.connectionStatus) : String(last.status);
      if (trail[trail.length - 1] !== label) trail.push(label);
      assert.ok(allowed(last), `${what}: unexpected ${show(last)} (trail ${trail.join(' → ')})`);
      return done(last) ? last : undefined;
    },
    { timeoutMs: 8000, intervalMs: 10, describe: () => `${last ? show(last) : 'no response'} (trail ${trail.join(' → ')})` },
  );
  return { final, trail };
}

function endpointBody(provider: Provider, e: { id: string; ip?: string }, status: string, extra: Record<string, unknown> = {}) {
  if (provider === 'AWS') {
    return { cloudProvider: 'AWS', connectionStatus: status, deleteRequested: false, errorMessage: null, interfaceEndpointId: e.id, ...extra };
  }
  return {
    cloudProvider: 'AZURE',
    deleteRequested: false,
    errorMessage: null,
    privateEndpointConnectionName: null,
    privateEndpointIPAddress: e.ip,
    privateEndpointResourceId: e.id,
    status,
    ...extra,
  };
}

function endpointInput(provider: Provider, e: { id: string; ip?: string }) {
  return provider === 'AWS' ? { id: e.id } : { id: e.id, privateEndpointIPAddress: e.ip };
}

async function seedFlow(api: Atlas, provider: Provider): Promise<void> {
  const c = CASES[provider];
  const tree = api.tree;
  const org = expect(await api.get('/orgs'), 200, tree).body.results[0].id as string;

  // project
  const project = expect(await api.post('/groups', { name: `seed-${provider.toLowerCase()}-${tree}`, orgId: org }), 201, tree).body;
  const g = project.id as string;
  const pe = `/groups/${g}/privateEndpoint`;
  assert.deepEqual(expect(await api.get(`${pe}/${provider}/endpointService`), 200, tree).body, []);

  // endpoint service: 201 INITIATING, then AVAILABLE
  const created = expect(await api.post(`${pe}/endpointService`, { providerName: provider, region: c.region }), 201, tree).body;
  assert.match(created.id, OBJECT_ID);
  const sid = created.id as string;
  const initiating =
    provider === 'AWS'
      ? { cloudProvider: 'AWS', endpointServiceName: null, errorMessage: null, id: sid, interfaceEndpoints: [], regionName: c.regionName, status: 'INITIATING', supportedRemoteRegions: null }
      : { cloudProvider: 'AZURE', errorMessage: null, id: sid, privateEndpoints: [], privateLinkServiceName: null, privateLinkServiceResourceId: null, regionName: c.regionName, status: 'INITIATING' };
  assert.deepEqual(created, initiating);
  const svcPath = `${pe}/${provider}/endpointService/${sid}`;
  const svc = await watch(
    api,
    svcPath,
    'service AVAILABLE',
    (r) => r.status === 200 && ['INITIATING', 'AVAILABLE'].includes(r.body.status),
    (r) => r.body.status === 'AVAILABLE',
  );
  const s = svc.final.body;
  if (provider === 'AWS') {
    assert.match(s.endpointServiceName, /^com\.amazonaws\.vpce\.us-east-1\.vpce-svc-[0-9a-f]{17}$/);
    assert.deepEqual(s, { ...initiating, endpointServiceName: s.endpointServiceName, status: 'AVAILABLE' });
  } else {
    assert.equal(s.privateLinkServiceName, `pls_${sid}`);
    assert.match(
      s.privateLinkServiceResourceId,
      new RegExp(`^/subscriptions/[0-9a-f-]{36}/resourceGroups/rg_[0-9a-f]{24}_[a-z0-9]{8}/providers/Microsoft\\.Network/privateLinkServices/pls_${sid}$`),
    );
    assert.deepEqual(s, { ...initiating, privateLinkServiceName: s.privateLinkServiceName, privateLinkServiceResourceId: s.privateLinkServiceResourceId, status: 'AVAILABLE' });
  }
  const ids = provider === 'AWS' ? 'interfaceEndpoints' : 'privateEndpoints';

  // the endpoint (Azure ids travel percent-encoded in one path segment)
  const epPath = (id: string) => `${svcPath}/endpoint/${encodeURIComponent(id)}`;
  const addEndpoint = async (e: { id: string; ip?: string }) => {
    const r = expect(await api.post(`${svcPath}/endpoint`, endpointInput(provider, e)), 201, tree);
    assert.deepEqual(r.body, endpointBody(provider, e, c.path[0]));
  };
  const untilAvailable = async (e: { id: string; ip?: string }) => {
    const w = await watch(
      api,
      epPath(e.id),
      `endpoint ${e.id} AVAILABLE`,
      (r) => r.status === 200 && c.path.includes(r.body[c.statusKey]),
      (r) => r.body[c.statusKey] === 'AVAILABLE',
    );
    // statuses only move forward along the provider's path
    assert.deepEqual(w.trail, c.path.filter((st) => w.trail.includes(st)));
    const body = w.final.body;
    if (provider === 'AZURE') assert.match(body.privateEndpointConnectionName, /^[0-9a-f-]{36}%2Frg-seed%2Fpe-seed-\w+$/);
    assert.deepEqual(body, endpointBody(provider, e, 'AVAILABLE', provider === 'AZURE' ? { privateEndpointConnectionName: body.privateEndpointConnectionName } : {}));
  };
  await addEndpoint(c.good);
  await untilAvailable(c.good);
  assert.deepEqual(expect(await api.get(svcPath), 200, tree).body[ids], [c.good.id]);
  const dup = expect(await api.post(`${svcPath}/endpoint`, endpointInput(provider, c.good)), 409, tree);
  assert.deepEqual(
    dup.body,
    errorBody(409, 'PRIVATELINK_INTERFACE_ENDPOINT_ALREADY_EXISTS', `The PrivateLink already contains an interface endpoint with the specified id ${c.good.id}.`, [c.good.id]),
  );

  // the failure path: a fault rule for the second endpoint id
  const { id: ruleId, createdAt, ...rule } = expect(await api.admin('POST', '/sim/faults', c.fault), 201, 'v1').body;
  assert.match(ruleId, OBJECT_ID);
  assert.equal(typeof createdAt, 'number');
  assert.deepEqual(rule, { errorMessage: null, ...c.fault });
  await addEndpoint(c.faulty);
  const failed = await watch(
    api,
    epPath(c.faulty.id),
    `endpoint ${c.faulty.id} ${c.failure}`,
    (r) => r.status === 200 && [...c.path.slice(0, -1), c.failure].includes(r.body[c.statusKey]),
    (r) => r.body[c.statusKey] === c.failure,
  );
  assert.deepEqual(failed.final.body, endpointBody(provider, c.faulty, c.failure, { errorMessage: c.failureMessage }));

  // delete it, then remove the rule, then the same id again goes AVAILABLE
  const del = expect(await api.delete(epPath(c.faulty.id)), 202, tree);
  assert.deepEqual(del.body, {});
  const notFound = (id: string) => errorBody(404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', `Private endpoint service ${id} not found.`, [id]);
  const removed = await watch(
    api,
    epPath(c.faulty.id),
    'failed endpoint removed',
    (r) => r.status === 404 || (r.body[c.statusKey] === 'DELETING' && r.body.deleteRequested === true),
    (r) => r.status === 404,
  );
  assert.deepEqual(removed.final.body, notFound(c.faulty.id));
  const cleared = await api.admin('DELETE', `/sim/faults/${ruleId}`);
  assert.equal(cleared.status, 204, show(cleared));
  assert.deepEqual(expect(await api.admin('GET', '/sim/faults'), 200, 'v1').body, { results: [], totalCount: 0 });
  await addEndpoint(c.faulty);
  await untilAvailable(c.faulty);
  assert.deepEqual(expect(await api.get(svcPath), 200, tree).body[ids], [c.good.id, c.faulty.id]);

  // a service with endpoints cannot go
  assert.deepEqual(
    expect(await api.delete(svcPath), 409, tree).body,
    errorBody(409, 'CANNOT_DELETE_PRIVATELINK_WITH_ENDPOINTS', 'A PrivateLink with endpoints cannot be deleted. Please delete all endpoints and retry.'),
  );

  // delete the endpoints, wait for 404
  for (const e of [c.good, c.faulty]) {
    assert.deepEqual(expect(await api.delete(epPath(e.id)), 202, tree).body, {});
  }
  for (const e of [c.good, c.faulty]) {
    const w = await watch(
      api,
      epPath(e.id),
      `endpoint ${e.id} removed`,
      (r) => r.status === 404 || r.body[c.statusKey] === 'DELETING',
      (r) => r.status === 404,
    );
    assert.deepEqual(w.final.body, notFound(e.id));
  }
  assert.deepEqual(expect(await api.get(svcPath), 200, tree).body[ids], []);

  // delete the service: the next GET says DELETING, then 404. At time scale 0 the simulated cloud would
  // remove it within one reconciler pass, so a small scale gives the deletion about a second first.
  const timeScale = c.deleteScale;
  assert.deepEqual(expect(await api.admin('PATCH', '/sim/settings', { timeScale }), 200, 'v1').body, { timeScale });
  try {
    assert.deepEqual(expect(await api.delete(svcPath), 202, tree).body, {});
    const next = expect(await api.get(svcPath), 200, tree).body;
    assert.equal(next.status, 'DELETING');
    assert.equal(next.id, sid);
    const gone = await watch(
      api,
      svcPath,
      'service removed',
      (r) => r.status === 404 || r.body.status === 'DELETING',
      (r) => r.status === 404,
    );
    assert.deepEqual(gone.final.body, notFound(sid));
  } finally {
    await api.admin('PATCH', '/sim/settings', { timeScale: 0 });
  }
  assert.deepEqual(expect(await api.get(`${pe}/${provider}/endpointService`), 200, tree).body, []);

  // and the project can close
  assert.deepEqual(expect(await api.delete(`/groups/${g}`), 202, tree).body, {});
  assert.deepEqual(expect(await api.get(`/groups/${g}`), 404, tree).body, errorBody(404, 'GROUP_NOT_FOUND', `No group with ID ${g} exists.`, [g]));
}

const CLIENTS: { name: string; make: (baseUrl: string) => Transport }[] = [
  { name: 'curl --digest', make: (u) => new CurlTransport(u) },
  { name: 'python requests', make: (u) => new PythonRequestsTransport(u) },
];

for (const client of CLIENTS) {
  for (const tree of ['v1', 'v2'] as const) {
    describe(`seed flow via ${client.name}, ${tree === 'v1' ? 'v1.0' : 'v2'} tree`, () => {
      let server: ServerProcess;
      let transport: Transport;
      let cleanupDb: () => void;
      before(async () => {
        const t = tempDb();
        cleanupDb = t.cleanup;
        server = await startServer({ db: t.db });
        transport = client.make(server.baseUrl);
      });
      after(async () => {
        await transport?.close();
        await server?.stop();
        cleanupDb?.();
      });

      test('the store starts empty', async () => {
        const api = new Atlas(transport, tree, BOOT);
        const groups = expect(await api.get('/groups'), 200, tree).body;
        assert.deepEqual([groups.results, groups.totalCount], [[], 0]);
        assert.deepEqual(expect(await api.admin('GET', '/sim/faults'), 200, 'v1').body, { results: [], totalCount: 0 });
      });
      for (const provider of ['AWS', 'AZURE'] as const) {
        test(`${provider}: create, fail, recover, delete`, () => seedFlow(new Atlas(transport, tree, BOOT), provider));
      }
    });
  }
}
