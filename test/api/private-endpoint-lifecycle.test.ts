/**
 * Private endpoint lifecycles seen through the API, at time scale 0 (one step per reconciler pass)
 * and at a non-zero scale, with fault rules set through the admin API:
 * AWS PENDING_ACCEPTANCE → PENDING → AVAILABLE | REJECTED; Azure INITIATING → AVAILABLE | FAILED;
 * GCP INITIATING → VERIFIED → AVAILABLE | FAILED with per-forwarding-rule statuses; DELETE →
 * deleteRequested, DELETING, 404 and the id leaves the parent; STUCK until the rule goes; a failed
 * endpoint stays failed until deleted, then the same id can be added again and succeeds.
 * Every status seen is checked against the provider's vocabulary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import {
  CHILD_KEY,
  ENDPOINT_KEYS,
  ENDPOINT_VOCABULARY,
  FORMATS,
  GCP_RULE_VOCABULARY,
  PROVIDERS,
  StatusLog,
  assertError,
  availableService,
  call,
  endpointBody,
  endpointPath,
  endpointStatus,
  endpointsPath,
  newProject,
  servicePath,
  type Provider,
  addFault,
  removeFault,
} from './private-endpoint-fixtures.ts';


/** Watches one endpoint: every GET records the status (and GCP rule statuses) against the vocabularies. */
class Watch {
  readonly log: StatusLog;
  readonly rules: StatusLog;
  readonly ruleHistory: string[][] = [];
  constructor(
    private readonly t: TestLinkplane,
    private readonly g: string,
    private readonly p: Provider,
    readonly serviceId: string,
    readonly id: string,
  ) {
    this.log = new StatusLog(ENDPOINT_VOCABULARY[p], `${p} endpoint`);
    this.rules = new StatusLog(GCP_RULE_VOCABULARY, 'GCP forwarding rule');
  }
  record(body: Record<string, unknown>): void {
    assert.deepEqual(Object.keys(body), ENDPOINT_KEYS[this.p]);
    assert.equal(body.cloudProvider, this.p);
    this.log.add(endpointStatus(this.p, body));
    if (this.p === 'GCP') {
      const statuses = (body.endpoints as { status: string }[]).map((r) => r.status);
      for (const s of statuses) this.rules.add(s);
      if (this.ruleHistory.at(-1)?.join() !== statuses.join()) this.ruleHistory.push(statuses);
    }
    if (this.p === 'AZURE' && body.status === 'AVAILABLE') assert.match(String(body.privateEndpointConnectionName), FORMATS.azureConnectionName);
  }
  /** GETs the endpoint; undefined once it is gone (404 PRIVATE_ENDPOINT_SERVICE_NOT_FOUND). */
  async look(): Promise<Record<string, unknown> | undefined> {
    const r = await call(this.t, 'GET', endpointPath(this.g, this.p, this.serviceId, this.id));
    if (r.status === 404) {
      assertError(r, 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [this.id]);
      return undefined;
    }
    assert.equal(r.status, 200, r.text);
    this.record(r.body);
    return r.body;
  }
  async parentIds(): Promise<string[]> {
    return (await call(this.t, 'GET', servicePath(this.g, this.p, this.serviceId))).body[CHILD_KEY[this.p]];
  }
}

async function create(t: TestLinkplane, g: string, p: Provider, serviceId: string, n = 1): Promise<Watch> {
  const { body, id } = endpointBody(p, n);
  const r = await call(t, 'POST', endpointsPath(g, p, serviceId), { body });
  assert.equal(r.status, 201, r.text);
  const w = new Watch(t, g, p, serviceId, id);
  w.record(r.body);
  return w;
}

/** Ticks once per step and looks after each, until `done` or `max` steps. */
async function stepUntil(t: TestLinkplane, w: Watch, done: (b: Record<string, unknown> | undefined) => boolean, max = 10) {
  let b = await w.look();
  for (let i = 0; i < max && !done(b); i++) {
    await t.lp.reconciler.tick();
    b = await w.look();
  }
  assert.ok(done(b), `${w.id}: condition not reached; seen ${w.log.seen.join(' → ')}`);
  return b;
}

const HAPPY: Record<Provider, string[]> = {
  AWS: ['PENDING_ACCEPTANCE', 'PENDING', 'AVAILABLE'],
  AZURE: ['INITIATING', 'AVAILABLE'],
  GCP: ['INITIATING', 'VERIFIED', 'AVAILABLE'],
};

test('time scale 0: every provider walks its path one step per pass; DELETE → deleteRequested, DELETING, 404, gone from the parent', async () => {
  const t = await startTestLinkplane();
  try {
    const g = await newProject(t);
    for (const p of PROVIDERS) {
      const s = await availableService(t, g, p);
      const w = await create(t, g, p, s.id);
      const ready = await stepUntil(t, w, (b) => endpointStatus(p, b ?? {}) === 'AVAILABLE');
      assert.deepEqual(w.log.seen, HAPPY[p]);
      assert.equal(ready!.errorMessage, null);
      assert.equal(ready!.deleteRequested, false);
      if (p === 'GCP') assert.deepEqual(w.ruleHistory, [['INITIATING', 'INITIATING'], ['AVAILABLE', 'AVAILABLE']]);
      assert.deepEqual(await w.parentIds(), [w.id]);
      // AVAILABLE is final: more passes and time change nothing.
      t.clock.advance(3_600_000);
      await t.settle();
      assert.deepEqual(await w.look(), ready);

      assert.equal((await call(t, 'DELETE', endpointPath(g, p, s.id, w.id))).status, 202);
      const deleting = (await w.look())!;
      assert.equal(endpointStatus(p, deleting), 'DELETING');
      assert.equal(deleting.deleteRequested, true);
      if (p === 'GCP') {
        for (const r of deleting.endpoints as { status: string }[]) assert.equal(r.status, 'DELETING', 'forwarding rules are deleted with their group');
      }
      assert.deepEqual(await w.parentIds(), [w.id], 'still listed while DELETING');
      // A repeated DELETE is accepted and changes nothing.
      assert.equal((await call(t, 'DELETE', endpointPath(g, p, s.id, w.id))).status, 202);
      assert.equal(await t.lp.reconciler.tick(), 1);
      assert.equal(await w.look(), undefined);
      assert.deepEqual(await w.parentIds(), []);
      assert.deepEqual(w.log.seen, [...HAPPY[p], 'DELETING']);
      assertError(await call(t, 'DELETE', endpointPath(g, p, s.id, w.id)), 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [w.id]);
    }
  } finally {
    await t.close();
  }
});

test('DELETE while still in progress goes straight to DELETING (never AVAILABLE after a DELETE)', async () => {
  const t = await startTestLinkplane();
  try {
    const g = await newProject(t);
    for (const p of PROVIDERS) {
      const s = await availableService(t, g, p);
      const w = await create(t, g, p, s.id);
      assert.equal((await call(t, 'DELETE', endpointPath(g, p, s.id, w.id))).status, 202);
      const seenAfterDelete: string[] = [];
      for (let i = 0; i < 5; i++) {
        const b = await w.look();
        if (!b) break;
        seenAfterDelete.push(endpointStatus(p, b)!);
        await t.lp.reconciler.tick();
      }
      assert.deepEqual(seenAfterDelete, ['DELETING']);
      assert.equal(await w.look(), undefined);
    }
  } finally {
    await t.close();
  }
});

const FAILURE: Record<Provider, string> = { AWS: 'REJECTED', AZURE: 'FAILED', GCP: 'FAILED' };

test('failed, delete, add again (every provider): REJECTED/FAILED with its errorMessage stays until deleted; the same id then succeeds', async () => {
  const t = await startTestLinkplane();
  try {
    const g = await newProject(t);
    for (const p of PROVIDERS) {
      const s = await availableService(t, g, p);
      const { id } = endpointBody(p);
      const message = p === 'AWS' ? 'Verify endpoint ID and accepted regions, then retry your connection.' : `${p} endpoint rejected by the test`;
      const rule = await addFault(t, {
        provider: p,
        kind: 'endpoint',
        match: { endpointId: id, endpointServiceId: s.id },
        outcome: FAILURE[p],
        errorMessage: message,
      });
      const w = await create(t, g, p, s.id);
      const failed = await stepUntil(t, w, (b) => endpointStatus(p, b ?? {}) === FAILURE[p]);
      assert.equal(failed!.errorMessage, message);
      assert.equal(failed!.deleteRequested, false);
      if (p === 'GCP') for (const r of failed!.endpoints as { status: string }[]) assert.equal(r.status, 'FAILED');
      assert.deepEqual(w.log.seen, [HAPPY[p][0], FAILURE[p]]);
      // It stays failed: passes and time change nothing, even after the rule is gone.
      await removeFault(t, rule);
      t.clock.advance(3_600_000);
      await t.settle();
      assert.deepEqual(await w.look(), failed);
      // Adding the same id while the failed one exists is a conflict.
      assertError(await call(t, 'POST', endpointsPath(g, p, s.id), { body: endpointBody(p).body }), 409, 'PRIVATELINK_INTERFACE_ENDPOINT_ALREADY_EXISTS', [id]);
      // Delete it…
      assert.equal((await call(t, 'DELETE', endpointPath(g, p, s.id, id))).status, 202);
      const deleting = (await w.look())!;
      assert.equal(endpointStatus(p, deleting), 'DELETING');
      assert.equal(deleting.deleteRequested, true);
      await t.settle();
      assert.equal(await w.look(), undefined);
      assert.deepEqual(await w.parentIds(), []);
      // …and add it again: it succeeds.
      const again = await create(t, g, p, s.id);
      const ok = await stepUntil(t, again, (b) => endpointStatus(p, b ?? {}) === 'AVAILABLE');
      assert.equal(ok!.errorMessage, null);
      assert.deepEqual(again.log.seen, HAPPY[p]);
      assert.deepEqual(await again.parentIds(), [id]);
    }
  } finally {
    await t.close();
  }
});

test('default failure messages when the rule gives none; a rule matches only its endpoint', async () => {
  const t = await startTestLinkplane();
  try {
    const g = await newProject(t);
    for (const p of PROVIDERS) {
      const s = await availableService(t, g, p);
      const target = endpointBody(p, 1);
      const rule = await addFault(t, { provider: p, kind: 'endpoint', match: { endpointId: target.id }, outcome: FAILURE[p] });
      const bad = await create(t, g, p, s.id, 1);
      const good = await create(t, g, p, s.id, 2);
      await t.settle();
      const b = (await bad.look())!;
      assert.equal(endpointStatus(p, b), FAILURE[p]);
      assert.equal(typeof b.errorMessage, 'string');
      assert.ok((b.errorMessage as string).length > 0);
      if (p === 'AWS') assert.equal(b.errorMessage, 'Verify endpoint ID and accepted regions, then retry your connection.');
      assert.equal(endpointStatus(p, (await good.look())!), 'AVAILABLE');
      await removeFault(t, rule);
    }
  } finally {
    await t.close();
  }
});

test('STUCK keeps an endpoint in its current status until the rule is removed, then it continues', async () => {
  const t = await startTestLinkplane();
  try {
    const g = await newProject(t);
    for (const p of PROVIDERS) {
      const s = await availableService(t, g, p);
      const w = await create(t, g, p, s.id);
      // Let it take its first step where the path has one (AWS → PENDING, GCP → VERIFIED).
      if (p !== 'AZURE') await stepUntil(t, w, (b) => endpointStatus(p, b ?? {}) === HAPPY[p][1]);
      const held = endpointStatus(p, (await w.look())!)!;
      const rule = await addFault(t, { provider: p, kind: 'endpoint', match: { endpointServiceId: s.id }, outcome: 'STUCK' });
      for (let i = 0; i < 5; i++) {
        t.clock.advance(60_000);
        await t.settle();
        assert.equal(endpointStatus(p, (await w.look())!), held, 'stays while the rule exists');
      }
      await removeFault(t, rule);
      t.clock.advance(1_000);
      await t.settle();
      assert.equal(endpointStatus(p, (await w.look())!), 'AVAILABLE');
      assert.deepEqual(w.log.seen, HAPPY[p]);
    }
  } finally {
    await t.close();
  }
});

test('a STUCK endpoint can still be deleted (DELETING → 404)', async () => {
  const t = await startTestLinkplane();
  try {
    const g = await newProject(t);
    const s = await availableService(t, g, 'AWS');
    const rule = await addFault(t, { provider: 'AWS', kind: 'endpoint', match: { projectId: g }, outcome: 'STUCK' });
    const w = await create(t, g, 'AWS', s.id);
    await t.settle();
    assert.equal((await w.look())!.connectionStatus, 'PENDING_ACCEPTANCE');
    assert.equal((await call(t, 'DELETE', endpointPath(g, 'AWS', s.id, w.id))).status, 202);
    assert.equal((await w.look())!.connectionStatus, 'DELETING');
    t.clock.advance(1_000);
    await t.settle();
    assert.equal(await w.look(), undefined);
    assert.deepEqual(w.log.seen, ['PENDING_ACCEPTANCE', 'DELETING']);
    await removeFault(t, rule);
  } finally {
    await t.close();
  }
});

test('a rule added mid-way fails the endpoint from where it is (GCP VERIFIED → FAILED, AWS PENDING → REJECTED)', async () => {
  const t = await startTestLinkplane();
  try {
    const g = await newProject(t);
    for (const p of ['AWS', 'GCP'] as const) {
      const s = await availableService(t, g, p);
      const w = await create(t, g, p, s.id);
      await stepUntil(t, w, (b) => endpointStatus(p, b ?? {}) === HAPPY[p][1]);
      const rule = await addFault(t, { provider: p, kind: 'endpoint', match: { endpointId: w.id }, outcome: FAILURE[p], errorMessage: 'late failure' });
      await t.settle();
      const b = (await w.look())!;
      assert.equal(endpointStatus(p, b), FAILURE[p]);
      assert.equal(b.errorMessage, 'late failure');
      assert.deepEqual(w.log.seen, [HAPPY[p][0], HAPPY[p][1], FAILURE[p]]);
      await removeFault(t, rule);
    }
  } finally {
    await t.close();
  }
});

test('non-zero time scale: statuses seen while moving the clock in small steps stay within each vocabulary, in path order', async () => {
  const scale = 0.01;
  const t = await startTestLinkplane({ simTimeScale: scale });
  try {
    const g = await newProject(t);
    const serviceIds: string[] = [];
    for (const p of PROVIDERS) {
      const c = await call(t, 'POST', `/groups/${g}/privateEndpoint/endpointService`, { body: { providerName: p, region: { AWS: 'us-east-1', AZURE: 'eastus', GCP: 'us-central1' }[p] } });
      assert.equal(c.status, 201);
      serviceIds.push(c.body.id);
    }
    t.clock.advance(3_000); // past every service median at this scale
    await t.settle();
    const watches: Watch[] = [];
    for (const [i, p] of PROVIDERS.entries()) {
      assert.equal((await call(t, 'GET', servicePath(g, p, serviceIds[i]!))).body.status, 'AVAILABLE');
      watches.push(await create(t, g, p, serviceIds[i]!));
    }
    for (let i = 0; i < 200; i++) {
      t.clock.advance(5);
      await t.settle();
      for (const w of watches) await w.look();
    }
    for (const [i, p] of PROVIDERS.entries()) assert.deepEqual(watches[i]!.log.seen, HAPPY[p]);
    for (const [i, p] of PROVIDERS.entries()) {
      assert.equal((await call(t, 'DELETE', endpointPath(g, p, watches[i]!.serviceId, watches[i]!.id))).status, 202);
    }
    const gone = new Set<Watch>();
    for (let i = 0; i < 100 && gone.size < watches.length; i++) {
      t.clock.advance(5);
      await t.settle();
      for (const w of watches) if (!gone.has(w) && (await w.look()) === undefined) gone.add(w);
    }
    assert.equal(gone.size, watches.length, 'every deleted endpoint is eventually 404');
    for (const [i, p] of PROVIDERS.entries()) assert.deepEqual(watches[i]!.log.seen, [...HAPPY[p], 'DELETING']);
  } finally {
    await t.close();
  }
});
