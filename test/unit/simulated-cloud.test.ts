/**
 * The simulated cloud driver on its own: deterministic names in Atlas's recorded formats, timings
 * equal to the recorded medians times the scale, GCP attachments appearing one by one in the last
 * 22 s, endpoint paths per provider, and fault rules (FAILED, REJECTED, STUCK) with their matching.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ERRORS, SimulatedCloud, type SimulationView } from '../../src/providers/simulated/simulated-cloud.ts';
import { initialEndpointService, type EndpointService } from '../../src/domain/endpoint-service.ts';
import { initialPrivateEndpoint, type PrivateEndpoint } from '../../src/domain/private-endpoint.ts';
import type { FaultRule } from '../../src/domain/fault-rule.ts';
import type { CloudProvider } from '../../src/domain/cloud-provider.ts';
import type { ServiceObservation } from '../../src/providers/driver.ts';

const T0 = 1_800_000_000_000;
const PROJECT = '6a79405cc0eb9e7a1771b035';
const OTHER_PROJECT = '6a7941732c88faeba59c446a';

function sim(timeScale: number, faults: FaultRule[] = []): SimulatedCloud {
  const view: SimulationView = { timeScale, faults };
  return new SimulatedCloud(view);
}

function service(provider: CloudProvider, over: Partial<EndpointService> = {}): EndpointService {
  const region = { AWS: 'EU_WEST_1', AZURE: 'ASIA_SOUTH_EAST', GCP: 'US_EAST_4' }[provider];
  return { ...initialEndpointService({ id: '6a7940612c88faeba59bf3c4', projectId: PROJECT, provider, region, now: T0 }), ...over };
}

function endpoint(provider: CloudProvider, over: Partial<PrivateEndpoint> = {}): PrivateEndpoint {
  const endpointId = {
    AWS: 'vpce-0d00c26273372c6ef',
    AZURE: '/subscriptions/4e133d35-e734-4380-a565-c0945535da37/resourceGroups/my-rg/providers/Microsoft.Network/privateEndpoints/pe1',
    GCP: 'google-endpoint-group',
  }[provider];
  return {
    ...initialPrivateEndpoint({
      serviceId: '6a7940612c88faeba59bf3c4',
      projectId: PROJECT,
      provider,
      endpointId,
      now: T0,
      privateEndpointIPAddress: '10.0.0.4',
      gcpProjectId: 'p-abcdefghij0123456789abcd',
      forwardingRules: [{ endpointName: 'google-endpoint-group-0', ipAddress: '10.0.0.4' }],
    }),
    ...over,
  };
}

function rule(over: Partial<FaultRule>): FaultRule {
  return { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', provider: 'AWS', kind: 'endpointService', match: {}, outcome: 'FAILED', errorMessage: null, createdAt: T0, ...over };
}

async function readyNames(cloud: SimulatedCloud, s: EndpointService) {
  const o = await cloud.observeService(s, T0 + 10_000_000);
  assert.equal(o.state, 'ready');
  return o as Extract<ServiceObservation, { state: 'ready' }>;
}

// ---- names ---------------------------------------------------------------------------------------

test('AWS endpointServiceName: com.amazonaws.vpce.<aws-region>.vpce-svc-<17 hex>, deterministic per service', async () => {
  const a = await readyNames(sim(1), service('AWS'));
  assert.match(a.endpointServiceName!, /^com\.amazonaws\.vpce\.eu-west-1\.vpce-svc-[0-9a-f]{17}$/);
  assert.deepEqual(await readyNames(sim(0.5), service('AWS')), a, 'same service, same name, on any instance and scale');
  const other = await readyNames(sim(1), service('AWS', { id: '6a7940612c88faeba59bf3c5' }));
  assert.notEqual(other.endpointServiceName, a.endpointServiceName);
  const east = await readyNames(sim(1), service('AWS', { region: 'US_GOV_EAST_1' }));
  assert.match(east.endpointServiceName!, /^com\.amazonaws\.vpce\.us-gov-east-1\.vpce-svc-[0-9a-f]{17}$/);
  assert.deepEqual(Object.keys(a).sort(), ['endpointServiceName', 'state']);
});

test('Azure: pls_<id> and /subscriptions/<uuid>/resourceGroups/rg_<id+1>_<8 alnum>/providers/Microsoft.Network/privateLinkServices/pls_<id>', async () => {
  const s = service('AZURE', { id: '6a794010c0eb9e7a17719674' });
  const a = await readyNames(sim(1), s);
  assert.equal(a.privateLinkServiceName, 'pls_6a794010c0eb9e7a17719674');
  assert.match(
    a.privateLinkServiceResourceId!,
    /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/rg_6a794010c0eb9e7a17719675_[a-z0-9]{8}\/providers\/Microsoft\.Network\/privateLinkServices\/pls_6a794010c0eb9e7a17719674$/,
  );
  assert.deepEqual(await readyNames(sim(2), s), a);
  const sameProject = await readyNames(sim(1), service('AZURE', { id: '6a794010c0eb9e7a177196ff' }));
  const subscription = (x: string) => x.split('/')[2];
  assert.equal(subscription(sameProject.privateLinkServiceResourceId!), subscription(a.privateLinkServiceResourceId!), 'one subscription per project');
  assert.equal(sameProject.privateLinkServiceResourceId!.includes('rg_6a794010c0eb9e7a17719700_'), true, 'id + 1 carries into the next hex digit');
  const otherProject = await readyNames(sim(1), service('AZURE', { projectId: OTHER_PROJECT }));
  assert.notEqual(subscription(otherProject.privateLinkServiceResourceId!), subscription(a.privateLinkServiceResourceId!));
});

test('GCP: six projects/p-<24 alnum>/regions/<gcp-region>/serviceAttachments/sa-<gcp-region>-<groupId>-<n>, n = 0…5 in order', async () => {
  const a = await readyNames(sim(1), service('GCP'));
  assert.equal(a.serviceAttachmentNames!.length, 6);
  const project = a.serviceAttachmentNames![0]!.split('/')[1]!;
  assert.match(project, /^p-[a-z0-9]{24}$/);
  a.serviceAttachmentNames!.forEach((n, i) => assert.equal(n, `projects/${project}/regions/us-east4/serviceAttachments/sa-us-east4-${PROJECT}-${i}`));
  const irregular = await readyNames(sim(1), service('GCP', { region: 'WESTERN_EUROPE' }));
  assert.ok(irregular.serviceAttachmentNames![0]!.endsWith(`/regions/europe-west1/serviceAttachments/sa-europe-west1-${PROJECT}-0`));
  assert.equal(irregular.serviceAttachmentNames![0]!.split('/')[1], project, 'the GCP project is per Atlas project');
  const other = await readyNames(sim(1), service('GCP', { projectId: OTHER_PROJECT }));
  assert.notEqual(other.serviceAttachmentNames![0]!.split('/')[1], project);
  assert.deepEqual(await readyNames(sim(3), service('GCP')), a);
});

// ---- service timings -----------------------------------------------------------------------------

test('services become ready after the recorded medians × scale (AWS 168 s, Azure 59 s, GCP 275 s)', async () => {
  for (const scale of [1, 0.01, 0.5]) {
    const cloud = sim(scale);
    for (const [p, median] of [['AWS', 168], ['AZURE', 59], ['GCP', 275]] as const) {
      const due = T0 + median * 1000 * scale;
      const before = await cloud.observeService(service(p), Math.ceil(due) - 1);
      assert.equal(before.state, 'provisioning', `${p} at scale ${scale}`);
      assert.ok(before.state === 'provisioning' && before.lookAgainAt <= due && before.lookAgainAt > T0);
      assert.equal((await cloud.observeService(service(p), Math.ceil(due))).state, 'ready');
    }
  }
});

test('time scale 0: every service is ready at once (GCP with all six attachments)', async () => {
  for (const p of ['AWS', 'AZURE', 'GCP'] as const) {
    const o = await sim(0).observeService(service(p), T0);
    assert.equal(o.state, 'ready');
    if (p === 'GCP') assert.equal((o as { serviceAttachmentNames: string[] }).serviceAttachmentNames.length, 6);
  }
});

test('GCP attachments appear one by one in the last 22 s: none before, 1…5 while provisioning (growing, ascending), 6 only when ready', async () => {
  const cloud = sim(1);
  const s = service('GCP');
  const ready = T0 + 275_000;
  const start = ready - 22_000;
  const early = await cloud.observeService(s, start - 1);
  assert.deepEqual(early, { state: 'provisioning', serviceAttachmentNames: [], lookAgainAt: start });
  let previous: string[] = [];
  const counts: number[] = [];
  let now = start;
  let guard = 0;
  for (;;) {
    const o = await cloud.observeService(s, now);
    if (o.state === 'ready') {
      assert.equal(now, ready);
      assert.equal(o.serviceAttachmentNames!.length, 6);
      for (const n of previous) assert.ok(o.serviceAttachmentNames!.includes(n));
      break;
    }
    assert.equal(o.state, 'provisioning');
    const names = (o as { serviceAttachmentNames: string[] }).serviceAttachmentNames;
    const idx = names.map((n) => Number(n.slice(-1)));
    assert.deepEqual(idx, [...idx].sort());
    for (const n of previous) assert.ok(names.includes(n), 'never disappears');
    assert.ok(names.length >= 1 && names.length <= 5);
    if (names.length !== previous.length) counts.push(names.length);
    previous = names;
    assert.ok(o.lookAgainAt > now && o.lookAgainAt <= ready, 'looks again at the next appearance or at ready');
    now = Math.ceil(o.lookAgainAt);
    assert.ok(++guard < 20);
  }
  assert.deepEqual(counts, [1, 2, 3, 4, 5]);
  // The order in which they appear is fixed per service, and differs between services.
  const orderOf = async (id: string) => {
    const o = await cloud.observeService(service('GCP', { id }), start);
    return (o as { serviceAttachmentNames: string[] }).serviceAttachmentNames[0];
  };
  assert.equal(await orderOf(s.id), await orderOf(s.id));
  const firsts = new Set<string | undefined>();
  for (let i = 0; i < 12; i++) firsts.add((await orderOf(`6a7940612c88faeba59bf3${(0xa0 + i).toString(16)}`))?.slice(-1));
  assert.ok(firsts.size > 1, 'not always the same attachment first');
});

test('DELETING services: deleting until the scaled deletion time, then gone; fault rules do not hold a deletion', async () => {
  const stuck = rule({ provider: 'AWS', kind: 'endpointService', outcome: 'STUCK' });
  for (const faults of [[], [stuck]]) {
    const cloud = sim(0.01, faults);
    const d = service('AWS', { status: 'DELETING', deleteRequested: true, statusSince: T0 });
    const o = await cloud.observeService(d, T0);
    assert.equal(o.state, 'deleting');
    const due = (o as { lookAgainAt: number }).lookAgainAt;
    assert.ok(due > T0);
    assert.equal((await cloud.observeService(d, due - 1)).state, 'deleting');
    assert.deepEqual(await cloud.observeService(d, due), { state: 'gone' });
  }
  assert.deepEqual(await sim(0).observeService(service('GCP', { status: 'DELETING' }), T0), { state: 'gone' });
});

// ---- service faults ------------------------------------------------------------------------------

test('service faults: FAILED at the ready time with the rule message or "Reason: No Capacity."; no GCP attachments on a failing service', async () => {
  const withMessage = sim(1, [rule({ provider: 'AZURE', match: { region: 'ASIA_SOUTH_EAST' }, errorMessage: 'capacity' })]);
  assert.equal((await withMessage.observeService(service('AZURE'), T0 + 58_999)).state, 'provisioning');
  assert.deepEqual(await withMessage.observeService(service('AZURE'), T0 + 59_000), { state: 'failed', errorMessage: 'capacity' });
  const dflt = sim(0, [rule({ provider: 'AWS' })]);
  assert.deepEqual(await dflt.observeService(service('AWS'), T0), { state: 'failed', errorMessage: 'Reason: No Capacity.' });
  assert.equal(DEFAULT_ERRORS.endpointService, 'Reason: No Capacity.');
  const gcp = sim(1, [rule({ provider: 'GCP' })]);
  const mid = await gcp.observeService(service('GCP'), T0 + 270_000);
  assert.equal(mid.state, 'provisioning');
  assert.equal((mid as { serviceAttachmentNames?: string[] }).serviceAttachmentNames, undefined);
});

test('service fault STUCK: provisioning forever (re-checked every second) while the rule exists', async () => {
  const cloud = sim(1, [rule({ provider: 'GCP', outcome: 'STUCK', match: { endpointServiceId: '6a7940612c88faeba59bf3c4' } })]);
  const s = service('GCP', { serviceAttachmentNames: ['x'] });
  const later = T0 + 10 * 3_600_000;
  const o = await cloud.observeService(s, later);
  assert.deepEqual(o, { state: 'provisioning', serviceAttachmentNames: ['x'], lookAgainAt: later + 1_000 });
  assert.equal((await sim(1).observeService(s, later)).state, 'ready', 'without the rule it is ready');
});

test('service fault matching: provider, kind, projectId, region (Atlas form), endpointServiceId all must match', async () => {
  const s = service('AWS');
  const cases: [Partial<FaultRule>, boolean][] = [
    [{}, true],
    [{ provider: 'AZURE' }, false],
    [{ kind: 'endpoint' }, false],
    [{ match: { projectId: PROJECT } }, true],
    [{ match: { projectId: OTHER_PROJECT } }, false],
    [{ match: { region: 'EU_WEST_1' } }, true],
    [{ match: { region: 'US_EAST_1' } }, false],
    [{ match: { endpointServiceId: s.id } }, true],
    [{ match: { endpointServiceId: '0123456789abcdef01234567' } }, false],
    [{ match: { projectId: PROJECT, region: 'US_EAST_1' } }, false],
  ];
  for (const [over, hit] of cases) {
    const o = await sim(0, [rule(over)]).observeService(s, T0);
    assert.equal(o.state, hit ? 'failed' : 'ready', JSON.stringify(over));
  }
});

// ---- endpoints -----------------------------------------------------------------------------------

test('endpoint paths: AWS PENDING_ACCEPTANCE → PENDING → ready; Azure INITIATING → ready; GCP INITIATING → VERIFIED → ready (scale 0)', async () => {
  const cloud = sim(0);
  assert.deepEqual(await cloud.observeEndpoint(endpoint('AWS'), T0), { state: 'progressing', status: 'PENDING', lookAgainAt: T0 });
  assert.deepEqual(await cloud.observeEndpoint(endpoint('AWS', { status: 'PENDING' }), T0), { state: 'ready', privateEndpointConnectionName: undefined });
  const az = await cloud.observeEndpoint(endpoint('AZURE'), T0);
  assert.equal(az.state, 'ready');
  assert.match(
    (az as { privateEndpointConnectionName: string }).privateEndpointConnectionName,
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}%2Fmy-rg%2Fpe1$/,
  );
  assert.deepEqual(await cloud.observeEndpoint(endpoint('AZURE'), T0), az, 'deterministic');
  assert.deepEqual(await cloud.observeEndpoint(endpoint('GCP'), T0), { state: 'progressing', status: 'VERIFIED', lookAgainAt: T0 });
  assert.equal((await cloud.observeEndpoint(endpoint('GCP', { status: 'VERIFIED' }), T0)).state, 'ready');
});

test('endpoint timings scale: nothing happens before a step is due; the next step is scheduled at the scaled time', async () => {
  const cloud = sim(1);
  const e = endpoint('AWS');
  const waiting = await cloud.observeEndpoint(e, T0 + 1);
  assert.equal(waiting.state, 'progressing');
  assert.equal((waiting as { status: string }).status, 'PENDING_ACCEPTANCE');
  const due = (waiting as { lookAgainAt: number }).lookAgainAt;
  assert.ok(due > T0 + 1);
  const next = await cloud.observeEndpoint(e, due);
  assert.equal((next as { status: string }).status, 'PENDING');
  const half = sim(0.5);
  const w2 = await half.observeEndpoint(e, T0 + 1);
  assert.equal((w2 as { lookAgainAt: number }).lookAgainAt - T0, (due - T0) * 0.5, 'durations are proportional to the scale');
});

test('endpoint deletion: deleting until due, then gone', async () => {
  const cloud = sim(1);
  const d = endpoint('GCP', { status: 'DELETING', deleteRequested: true });
  const o = await cloud.observeEndpoint(d, T0);
  assert.equal(o.state, 'deleting');
  const due = (o as { lookAgainAt: number }).lookAgainAt;
  assert.deepEqual(await cloud.observeEndpoint(d, due), { state: 'gone' });
  assert.deepEqual(await sim(0).observeEndpoint(endpoint('AWS', { status: 'DELETING' }), T0), { state: 'gone' });
});

test('endpoint faults: failed with the rule message or the provider default; STUCK holds; matching by endpointId', async () => {
  const aws = sim(0, [rule({ kind: 'endpoint', outcome: 'REJECTED', match: { endpointId: 'vpce-0d00c26273372c6ef' } })]);
  assert.deepEqual(await aws.observeEndpoint(endpoint('AWS'), T0), {
    state: 'failed',
    errorMessage: 'Verify endpoint ID and accepted regions, then retry your connection.',
  });
  assert.equal((await aws.observeEndpoint(endpoint('AWS', { endpointId: 'vpce-11111111111111111' }), T0)).state, 'progressing');
  for (const p of ['AZURE', 'GCP'] as const) {
    const c = sim(0, [rule({ provider: p, kind: 'endpoint', outcome: 'FAILED' })]);
    const o = await c.observeEndpoint(endpoint(p), T0);
    assert.deepEqual(o, { state: 'failed', errorMessage: DEFAULT_ERRORS[p] });
    assert.ok(DEFAULT_ERRORS[p].length > 0);
    const m = sim(0, [rule({ provider: p, kind: 'endpoint', outcome: 'FAILED', errorMessage: 'custom' })]);
    assert.deepEqual(await m.observeEndpoint(endpoint(p), T0), { state: 'failed', errorMessage: 'custom' });
  }
  const stuck = sim(1, [rule({ provider: 'GCP', kind: 'endpoint', outcome: 'STUCK', match: { projectId: PROJECT } })]);
  const later = T0 + 3_600_000;
  assert.deepEqual(await stuck.observeEndpoint(endpoint('GCP', { status: 'VERIFIED' }), later), {
    state: 'progressing',
    status: 'VERIFIED',
    lookAgainAt: later + 1_000,
  });
  // A service-kind rule does not touch endpoints, and vice versa.
  assert.equal((await sim(0, [rule({ provider: 'AWS', kind: 'endpointService' })]).observeEndpoint(endpoint('AWS'), T0)).state, 'progressing');
  assert.equal((await sim(0, [rule({ provider: 'AWS', kind: 'endpoint', outcome: 'REJECTED' })]).observeService(service('AWS'), T0)).state, 'ready');
});
