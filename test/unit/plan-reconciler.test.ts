/**
 * The pure planners of the reconciler: a stored row plus what the cloud says gives the next stored
 * state. Checked case by case and exhaustively: a plan never writes a status outside the provider's
 * vocabulary, never takes a transition the lifecycle table forbids, never resurrects a DELETING row,
 * and never mutates its input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planEndpoint, planService } from '../../src/reconciler/plan.ts';
import { initialEndpointService, type EndpointService } from '../../src/domain/endpoint-service.ts';
import { initialPrivateEndpoint, type PrivateEndpoint } from '../../src/domain/private-endpoint.ts';
import type { CloudProvider } from '../../src/domain/cloud-provider.ts';
import { canTransitionEndpoint, canTransitionService, type EndpointStatus, type ServiceStatus } from '../../src/domain/lifecycle.ts';
import type { EndpointObservation, ServiceObservation } from '../../src/providers/driver.ts';

const NOW = 1_800_000_000_000;
const PROVIDERS: CloudProvider[] = ['AWS', 'AZURE', 'GCP'];
const SERVICE_STATUSES: ServiceStatus[] = ['INITIATING', 'WAITING_FOR_USER', 'AVAILABLE', 'FAILED', 'DELETING'];
/** Atlas's documented vocabularies (reference §7), written out independently of src. */
const ENDPOINT_VOCAB: Record<CloudProvider, EndpointStatus[]> = {
  AWS: ['PENDING_ACCEPTANCE', 'PENDING', 'AVAILABLE', 'REJECTED', 'DELETING'],
  AZURE: ['INITIATING', 'AVAILABLE', 'FAILED', 'DELETING'],
  GCP: ['INITIATING', 'VERIFIED', 'AVAILABLE', 'FAILED', 'DELETING'],
};
const RULE_VOCAB = ['INITIATING', 'AVAILABLE', 'FAILED', 'DELETING'];

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function service(over: Partial<EndpointService> = {}): EndpointService {
  return deepFreeze({
    ...initialEndpointService({ id: '6a793f68c0eb9e7a17715835', projectId: '6a793f63c0eb9e7a177153f5', provider: 'AWS', region: 'EU_WEST_1', now: NOW - 10_000 }),
    version: 3,
    nextReconcileAt: NOW,
    ...over,
  });
}

function endpoint(over: Partial<PrivateEndpoint> = {}): PrivateEndpoint {
  const provider = over.provider ?? 'AWS';
  return deepFreeze({
    ...initialPrivateEndpoint({
      serviceId: '6a793f68c0eb9e7a17715835',
      projectId: '6a793f63c0eb9e7a177153f5',
      provider,
      endpointId: 'vpce-0d00c26273372c6ef',
      now: NOW - 10_000,
      forwardingRules: [
        { endpointName: 'g-0', ipAddress: '10.0.0.4' },
        { endpointName: 'g-1', ipAddress: '10.0.0.5' },
      ],
    }),
    status: 'PENDING_ACCEPTANCE',
    version: 2,
    nextReconcileAt: NOW,
    ...over,
  });
}

const NAMES = ['projects/p-aaaaaaaaaaaaaaaaaaaaaaaa/regions/us-east4/serviceAttachments/sa-us-east4-6a793f63c0eb9e7a177153f5-2'];

// ---- planService -------------------------------------------------------------------------------

test('planService: INITIATING + ready → AVAILABLE with the names, errorMessage null, statusSince now, not looked at again', () => {
  assert.deepEqual(planService(service(), { state: 'ready', endpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0667f4ca6f4a2bbc8' }, NOW), {
    patch: {
      status: 'AVAILABLE',
      errorMessage: null,
      statusSince: NOW,
      nextReconcileAt: null,
      endpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0667f4ca6f4a2bbc8',
    },
  });
  const az = planService(service({ provider: 'AZURE' }), { state: 'ready', privateLinkServiceName: 'pls_x', privateLinkServiceResourceId: '/subscriptions/x' }, NOW);
  assert.deepEqual(az, {
    patch: { status: 'AVAILABLE', errorMessage: null, statusSince: NOW, nextReconcileAt: null, privateLinkServiceName: 'pls_x', privateLinkServiceResourceId: '/subscriptions/x' },
  });
  const six = Array.from({ length: 6 }, (_, i) => `n-${i}`);
  const gcp = planService(service({ provider: 'GCP', serviceAttachmentNames: ['n-2'] }), { state: 'ready', serviceAttachmentNames: six }, NOW);
  assert.deepEqual(gcp, { patch: { status: 'AVAILABLE', errorMessage: null, statusSince: NOW, nextReconcileAt: null, serviceAttachmentNames: six } });
});

test('planService: WAITING_FOR_USER + ready → AVAILABLE (documented AWS path)', () => {
  const p = planService(service({ status: 'WAITING_FOR_USER' }), { state: 'ready' }, NOW);
  assert.ok('patch' in p);
  assert.equal(p.patch.status, 'AVAILABLE');
});

test('planService: provisioning keeps INITIATING; new attachment names are stored, unchanged ones are not rewritten', () => {
  assert.deepEqual(planService(service(), { state: 'provisioning', lookAgainAt: NOW + 500 }, NOW), { patch: { nextReconcileAt: NOW + 500 } });
  const gcp = service({ provider: 'GCP' });
  assert.deepEqual(planService(gcp, { state: 'provisioning', serviceAttachmentNames: NAMES, lookAgainAt: NOW + 7 }, NOW), {
    patch: { serviceAttachmentNames: NAMES, nextReconcileAt: NOW + 7 },
  });
  const same = service({ provider: 'GCP', serviceAttachmentNames: NAMES });
  assert.deepEqual(planService(same, { state: 'provisioning', serviceAttachmentNames: [...NAMES], lookAgainAt: NOW + 7 }, NOW), {
    patch: { nextReconcileAt: NOW + 7 },
  });
});

test('planService: INITIATING + failed → FAILED with the errorMessage, not looked at again', () => {
  assert.deepEqual(planService(service(), { state: 'failed', errorMessage: 'Reason: No Capacity.' }, NOW), {
    patch: { status: 'FAILED', errorMessage: 'Reason: No Capacity.', statusSince: NOW, nextReconcileAt: null },
  });
});

test('planService: DELETING → wait while the cloud deletes, remove once gone; never resurrected by ready/failed/provisioning', () => {
  const d = service({ status: 'DELETING', deleteRequested: true });
  assert.deepEqual(planService(d, { state: 'deleting', lookAgainAt: NOW + 60_000 }, NOW), { patch: { nextReconcileAt: NOW + 60_000 } });
  assert.deepEqual(planService(d, { state: 'gone' }, NOW), { remove: true });
  for (const obs of [{ state: 'ready' }, { state: 'failed', errorMessage: 'x' }, { state: 'provisioning', lookAgainAt: NOW + 1 }] as ServiceObservation[]) {
    assert.deepEqual(planService(d, obs, NOW), { patch: { nextReconcileAt: null } });
  }
});

test('planService: resolved services (AVAILABLE, FAILED) are left alone; a non-DELETING row is never removed', () => {
  for (const status of ['AVAILABLE', 'FAILED'] as const) {
    for (const obs of [
      { state: 'ready', endpointServiceName: 'other' },
      { state: 'failed', errorMessage: 'late' },
      { state: 'provisioning', lookAgainAt: NOW + 1, serviceAttachmentNames: NAMES },
      { state: 'gone' },
    ] as ServiceObservation[]) {
      assert.deepEqual(planService(service({ status }), obs, NOW), { patch: { nextReconcileAt: null } }, `${status} + ${obs.state}`);
    }
  }
  assert.deepEqual(planService(service(), { state: 'gone' }, NOW), { patch: { nextReconcileAt: null } });
});

const SERVICE_OBSERVATIONS: ServiceObservation[] = [
  { state: 'provisioning', lookAgainAt: NOW + 1 },
  { state: 'provisioning', lookAgainAt: NOW + 1, serviceAttachmentNames: NAMES },
  { state: 'ready' },
  { state: 'ready', endpointServiceName: 'n', privateLinkServiceName: 'p', privateLinkServiceResourceId: 'r', serviceAttachmentNames: NAMES },
  { state: 'failed', errorMessage: 'e' },
  { state: 'deleting', lookAgainAt: NOW + 2 },
  { state: 'gone' },
];

test('planService, exhaustively: only allowed transitions, only vocabulary statuses, FAILED always with a message, inputs untouched', () => {
  for (const provider of PROVIDERS) {
    for (const status of SERVICE_STATUSES) {
      for (const obs of SERVICE_OBSERVATIONS) {
        const s = service({ provider, status, deleteRequested: status === 'DELETING' });
        const snapshot = JSON.stringify(s);
        const plan = planService(s, obs, NOW);
        assert.equal(JSON.stringify(s), snapshot);
        if ('remove' in plan) {
          assert.equal(status, 'DELETING', 'only a DELETING service is removed');
          assert.equal(obs.state, 'gone');
          continue;
        }
        const next = plan.patch.status;
        if (next !== undefined && next !== status) {
          assert.ok(SERVICE_STATUSES.includes(next));
          assert.ok(canTransitionService(status, next), `${provider} ${status} → ${next}`);
          assert.notEqual(next, 'WAITING_FOR_USER', 'never emitted (never observed on real Atlas)');
          assert.equal(plan.patch.statusSince, NOW);
          if (next === 'FAILED') assert.ok(plan.patch.errorMessage);
          if (next === 'AVAILABLE') assert.equal(plan.patch.errorMessage, null);
        }
        if (status === 'DELETING') assert.equal(next, undefined, 'nothing but removal follows DELETING');
        const key = Object.keys(plan.patch);
        assert.ok(key.includes('nextReconcileAt'), 'every plan says when to look again (or never)');
      }
    }
  }
});

// ---- planEndpoint ------------------------------------------------------------------------------

test('planEndpoint: AWS PENDING_ACCEPTANCE → PENDING → AVAILABLE', () => {
  const a = planEndpoint(endpoint(), { state: 'progressing', status: 'PENDING', lookAgainAt: NOW + 200 }, NOW);
  assert.deepEqual(a, { patch: { status: 'PENDING', statusSince: NOW, nextReconcileAt: NOW + 200, endpoints: [] } });
  const b = planEndpoint(endpoint({ status: 'PENDING' }), { state: 'ready' }, NOW);
  assert.deepEqual(b, { patch: { status: 'AVAILABLE', errorMessage: null, statusSince: NOW, nextReconcileAt: null, endpoints: [] } });
});

test('planEndpoint: same status → only when to look again', () => {
  assert.deepEqual(planEndpoint(endpoint(), { state: 'progressing', status: 'PENDING_ACCEPTANCE', lookAgainAt: NOW + 9 }, NOW), {
    patch: { nextReconcileAt: NOW + 9 },
  });
});

test('planEndpoint: Azure INITIATING → AVAILABLE records the connection name', () => {
  const e = endpoint({ provider: 'AZURE', status: 'INITIATING', endpointId: '/subscriptions/…/privateEndpoints/pe1', privateEndpointIPAddress: '10.0.0.4' });
  const p = planEndpoint(e, { state: 'ready', privateEndpointConnectionName: 'u%2Frg%2Fpe1' }, NOW);
  assert.deepEqual(p, {
    patch: { status: 'AVAILABLE', errorMessage: null, statusSince: NOW, nextReconcileAt: null, endpoints: [], privateEndpointConnectionName: 'u%2Frg%2Fpe1' },
  });
});

test('planEndpoint: GCP INITIATING → VERIFIED keeps the forwarding rules INITIATING; AVAILABLE and FAILED carry to every rule', () => {
  const e = endpoint({ provider: 'GCP', status: 'INITIATING', endpointId: 'g' });
  const v = planEndpoint(e, { state: 'progressing', status: 'VERIFIED', lookAgainAt: NOW + 5 }, NOW);
  assert.ok('patch' in v);
  assert.equal(v.patch.status, 'VERIFIED');
  assert.deepEqual(
    v.patch.endpoints!.map((r) => r.status),
    ['INITIATING', 'INITIATING'],
  );
  const verified = endpoint({ provider: 'GCP', status: 'VERIFIED', endpointId: 'g' });
  const ok = planEndpoint(verified, { state: 'ready' }, NOW);
  assert.ok('patch' in ok);
  assert.deepEqual(ok.patch.endpoints, [
    { endpointName: 'g-0', ipAddress: '10.0.0.4', status: 'AVAILABLE' },
    { endpointName: 'g-1', ipAddress: '10.0.0.5', status: 'AVAILABLE' },
  ]);
  const bad = planEndpoint(verified, { state: 'failed', errorMessage: 'nope' }, NOW);
  assert.ok('patch' in bad);
  assert.equal(bad.patch.status, 'FAILED');
  assert.equal(bad.patch.errorMessage, 'nope');
  assert.deepEqual(
    bad.patch.endpoints!.map((r) => r.status),
    ['FAILED', 'FAILED'],
  );
});

test('planEndpoint: failure is REJECTED for AWS, FAILED for Azure and GCP, with the message', () => {
  const expected: Record<CloudProvider, EndpointStatus> = { AWS: 'REJECTED', AZURE: 'FAILED', GCP: 'FAILED' };
  for (const provider of PROVIDERS) {
    const first = provider === 'AWS' ? 'PENDING_ACCEPTANCE' : 'INITIATING';
    const p = planEndpoint(endpoint({ provider, status: first }), { state: 'failed', errorMessage: 'm' }, NOW);
    assert.ok('patch' in p);
    assert.equal(p.patch.status, expected[provider]);
    assert.equal(p.patch.errorMessage, 'm');
    assert.equal(p.patch.nextReconcileAt, null);
  }
});

test('planEndpoint: never backwards, never out of DELETING/AVAILABLE/failed, removal only from DELETING', () => {
  assert.deepEqual(planEndpoint(endpoint({ status: 'PENDING' }), { state: 'progressing', status: 'PENDING_ACCEPTANCE', lookAgainAt: NOW + 1 }, NOW), {
    patch: { nextReconcileAt: null },
  });
  const d = endpoint({ status: 'DELETING', deleteRequested: true });
  assert.deepEqual(planEndpoint(d, { state: 'ready' }, NOW), { patch: { nextReconcileAt: null } });
  assert.deepEqual(planEndpoint(d, { state: 'failed', errorMessage: 'x' }, NOW), { patch: { nextReconcileAt: null } });
  assert.deepEqual(planEndpoint(d, { state: 'progressing', status: 'PENDING', lookAgainAt: NOW + 1 }, NOW), { patch: { nextReconcileAt: null } });
  assert.deepEqual(planEndpoint(d, { state: 'deleting', lookAgainAt: NOW + 20_000 }, NOW), { patch: { nextReconcileAt: NOW + 20_000 } });
  assert.deepEqual(planEndpoint(d, { state: 'gone' }, NOW), { remove: true });
  assert.deepEqual(planEndpoint(endpoint({ status: 'AVAILABLE' }), { state: 'failed', errorMessage: 'x' }, NOW), { patch: { nextReconcileAt: null } });
  assert.deepEqual(planEndpoint(endpoint({ status: 'REJECTED', errorMessage: 'm' }), { state: 'ready' }, NOW), { patch: { nextReconcileAt: null } });
  assert.deepEqual(planEndpoint(endpoint({ status: 'AVAILABLE' }), { state: 'gone' }, NOW), { patch: { nextReconcileAt: null } });
});

test('planEndpoint, exhaustively: statuses stay in each provider\'s vocabulary, transitions are allowed, inputs untouched', () => {
  const everyStatus: EndpointStatus[] = ['PENDING_ACCEPTANCE', 'PENDING', 'AVAILABLE', 'REJECTED', 'DELETING', 'INITIATING', 'VERIFIED', 'FAILED'];
  for (const provider of PROVIDERS) {
    for (const status of ENDPOINT_VOCAB[provider]) {
      const observations: EndpointObservation[] = [
        ...everyStatus.map((s) => ({ state: 'progressing', status: s, lookAgainAt: NOW + 3 }) as EndpointObservation),
        { state: 'ready' },
        { state: 'ready', privateEndpointConnectionName: 'c' },
        { state: 'failed', errorMessage: 'm' },
        { state: 'deleting', lookAgainAt: NOW + 4 },
        { state: 'gone' },
      ];
      for (const obs of observations) {
        const e = endpoint({ provider, status, deleteRequested: status === 'DELETING' });
        const snapshot = JSON.stringify(e);
        const plan = planEndpoint(e, obs, NOW);
        assert.equal(JSON.stringify(e), snapshot);
        if ('remove' in plan) {
          assert.equal(status, 'DELETING');
          continue;
        }
        const next = plan.patch.status;
        if (next !== undefined && next !== status) {
          assert.ok(ENDPOINT_VOCAB[provider].includes(next), `${provider}: ${status} → ${next} leaves the vocabulary`);
          assert.ok(canTransitionEndpoint(provider, status, next), `${provider}: ${status} → ${next}`);
          // Deletion is started by the API; a plan writes DELETING only when the driver itself reports it.
          if (next === 'DELETING') assert.ok(obs.state === 'progressing' && obs.status === 'DELETING');
          assert.equal(plan.patch.statusSince, NOW);
        }
        for (const r of plan.patch.endpoints ?? []) assert.ok(RULE_VOCAB.includes(r.status), `rule status ${r.status}`);
        if (provider !== 'GCP') assert.deepEqual(plan.patch.endpoints ?? [], []);
      }
    }
  }
});
