/**
 * Endpoint service lifecycles seen through the API: INITIATING → AVAILABLE (or FAILED with an
 * errorMessage from a fault rule set through the admin API), DELETE → DELETING → 404, STUCK until the
 * rule goes, the recorded medians at a non-zero time scale, GCP attachments appearing one by one, and
 * a restart on the same SQLite file. Every status seen is checked against the provider's vocabulary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import {
  AWS_VPCE,
  CHILD_KEY,
  FORMATS,
  PROVIDERS,
  REGION,
  SERVICE_VOCABULARY,
  StatusLog,
  assertError,
  availableService,
  call,
  createService,
  endpointPath,
  endpointsPath,
  newProject,
  servicePath,
  type Provider,
  addFault,
  removeFault,
} from './private-endpoint-fixtures.ts';


/** GETs the service, records its status, returns the body (or the 404 response body). */
async function look(t: TestLinkplane, g: string, p: Provider, id: string, log: StatusLog) {
  const r = await call(t, 'GET', servicePath(g, p, id));
  if (r.status === 404) {
    assertError(r, 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [id]);
    return undefined;
  }
  assert.equal(r.status, 200, r.text);
  log.add(r.body.status);
  return r.body;
}

test('time scale 0: INITIATING → AVAILABLE one step per pass, names filled; DELETE → DELETING → 404 (every provider)', async () => {
  const t = await startTestLinkplane();
  try {
    const g = await newProject(t);
    for (const p of PROVIDERS) {
      const log = new StatusLog(SERVICE_VOCABULARY[p], `${p} service`);
      const c = await createService(t, g, p);
      log.add(c.status);
      const before = await look(t, g, p, c.id, log);
      assert.equal(before!.status, 'INITIATING');
      assert.equal(await t.lp.reconciler.tick(), 1);
      const s = (await look(t, g, p, c.id, log))!;
      assert.equal(s.status, 'AVAILABLE');
      assert.equal(s.errorMessage, null);
      switch (p) {
        case 'AWS':
          assert.match(s.endpointServiceName, FORMATS.awsEndpointServiceName);
          assert.ok(s.endpointServiceName.startsWith('com.amazonaws.vpce.eu-west-1.vpce-svc-'));
          break;
        case 'AZURE':
          assert.equal(s.privateLinkServiceName, `pls_${c.id}`);
          assert.match(s.privateLinkServiceResourceId, FORMATS.azurePrivateLinkServiceResourceId);
          break;
        case 'GCP':
          assert.equal(s.serviceAttachmentNames.length, 6);
          s.serviceAttachmentNames.forEach((n: string, i: number) => {
            assert.match(n, FORMATS.gcpServiceAttachmentName);
            assert.ok(n.endsWith(`/serviceAttachments/sa-us-east4-${g}-${i}`), n);
          });
          break;
      }
      // Nothing more happens to an AVAILABLE service.
      t.clock.advance(3_600_000);
      assert.equal(await t.settle(), 0);
      assert.deepEqual(await look(t, g, p, c.id, log), s);
      assert.equal((await call(t, 'DELETE', servicePath(g, p, c.id))).status, 202);
      const deleting = (await look(t, g, p, c.id, log))!;
      assert.equal(deleting.status, 'DELETING');
      assert.equal(await t.lp.reconciler.tick(), 1);
      assert.equal(await look(t, g, p, c.id, log), undefined);
      assert.deepEqual(log.seen, ['INITIATING', 'AVAILABLE', 'DELETING']);
    }
  } finally {
    await t.close();
  }
});

test('fault FAILED (admin API) → FAILED with its errorMessage, names stay empty; it stays FAILED; delete → 404', async () => {
  const t = await startTestLinkplane();
  try {
    const g = await newProject(t);
    const rules = [
      await addFault(t, { provider: 'AWS', kind: 'endpointService', match: { region: 'eu-west-1' }, outcome: 'FAILED', errorMessage: 'Reason: No Capacity.' }),
      await addFault(t, { provider: 'AZURE', kind: 'endpointService', match: { projectId: g }, outcome: 'FAILED' }),
      await addFault(t, { provider: 'GCP', kind: 'endpointService', match: { region: 'US_EAST_4' }, outcome: 'FAILED', errorMessage: 'quota exceeded' }),
    ];
    const expected: Record<Provider, string> = { AWS: 'Reason: No Capacity.', AZURE: 'Reason: No Capacity.', GCP: 'quota exceeded' };
    for (const p of PROVIDERS) {
      const log = new StatusLog(SERVICE_VOCABULARY[p], `${p} service`);
      const c = await createService(t, g, p);
      log.add(c.status);
      await t.settle();
      const s = (await look(t, g, p, c.id, log))!;
      assert.equal(s.status, 'FAILED');
      assert.equal(s.errorMessage, expected[p]);
      if (p === 'AWS') assert.equal(s.endpointServiceName, null);
      if (p === 'AZURE') assert.deepEqual([s.privateLinkServiceName, s.privateLinkServiceResourceId], [null, null]);
      if (p === 'GCP') assert.deepEqual(s.serviceAttachmentNames, []);
      t.clock.advance(3_600_000);
      await t.settle();
      assert.deepEqual(await look(t, g, p, c.id, log), s, 'a FAILED service stays FAILED');
      // A service in another region is not matched by the AWS/GCP region rules.
      assert.equal((await call(t, 'DELETE', servicePath(g, p, c.id))).status, 202);
      assert.equal((await look(t, g, p, c.id, log))!.status, 'DELETING');
      await t.settle();
      assert.equal(await look(t, g, p, c.id, log), undefined);
      assert.deepEqual(log.seen, ['INITIATING', 'FAILED', 'DELETING']);
    }
    const other = await createService(t, g, 'AWS', { region: 'eu-west-2' });
    await t.settle();
    assert.equal((await call(t, 'GET', servicePath(g, 'AWS', other.id))).body.status, 'AVAILABLE', 'rules only hit what they match');
    for (const id of rules) await removeFault(t, id);
  } finally {
    await t.close();
  }
});

test('fault STUCK keeps a service INITIATING until the rule is removed', async () => {
  const t = await startTestLinkplane();
  try {
    const g = await newProject(t);
    for (const p of PROVIDERS) {
      const rule = await addFault(t, { provider: p, kind: 'endpointService', match: { projectId: g }, outcome: 'STUCK' });
      const log = new StatusLog(SERVICE_VOCABULARY[p], `${p} service`);
      const c = await createService(t, g, p);
      for (let i = 0; i < 5; i++) {
        await t.settle();
        const s = (await look(t, g, p, c.id, log))!;
        assert.equal(s.status, 'INITIATING');
        if (p === 'GCP') assert.deepEqual(s.serviceAttachmentNames, []);
        t.clock.advance(60_000);
      }
      await removeFault(t, rule);
      t.clock.advance(1_000);
      await t.settle();
      assert.equal((await look(t, g, p, c.id, log))!.status, 'AVAILABLE');
      assert.deepEqual(log.seen, ['INITIATING', 'AVAILABLE']);
    }
  } finally {
    await t.close();
  }
});

test('non-zero time scale: services become AVAILABLE after the recorded medians (AWS 168 s, Azure 59 s, GCP 275 s) × scale', async () => {
  const scale = 0.01;
  const t = await startTestLinkplane({ simTimeScale: scale });
  try {
    const g = await newProject(t);
    const median: Record<Provider, number> = { AWS: 168, AZURE: 59, GCP: 275 };
    const ids = {} as Record<Provider, string>;
    for (const p of PROVIDERS) ids[p] = (await createService(t, g, p)).id;
    const start = t.clock.ms;
    const logs = Object.fromEntries(PROVIDERS.map((p) => [p, new StatusLog(SERVICE_VOCABULARY[p], `${p} service`)])) as Record<Provider, StatusLog>;
    for (const p of [...PROVIDERS].sort((a, b) => median[a] - median[b])) {
      const due = start + median[p] * 1000 * scale;
      t.clock.ms = Math.ceil(due) - 1;
      await t.settle();
      assert.equal((await look(t, g, p, ids[p], logs[p]))!.status, 'INITIATING', `${p} just before its median`);
      t.clock.ms = Math.ceil(due);
      await t.settle();
      assert.equal((await look(t, g, p, ids[p], logs[p]))!.status, 'AVAILABLE', `${p} at its median`);
    }
    // Deletion also takes (scaled) time: DELETING first, 404 eventually.
    for (const p of PROVIDERS) {
      assert.equal((await call(t, 'DELETE', servicePath(g, p, ids[p]))).status, 202);
      await t.settle();
      assert.equal((await look(t, g, p, ids[p], logs[p]))!.status, 'DELETING');
    }
    t.clock.advance(600_000 * scale);
    await t.settle();
    for (const p of PROVIDERS) {
      assert.equal(await look(t, g, p, ids[p], logs[p]), undefined);
      assert.deepEqual(logs[p].seen, ['INITIATING', 'AVAILABLE', 'DELETING']);
    }
  } finally {
    await t.close();
  }
});

test('GCP serviceAttachmentNames appear one by one: monotonic, ascending index order, never 6 while INITIATING, AVAILABLE only with all 6', async () => {
  const scale = 0.01;
  const t = await startTestLinkplane({ simTimeScale: scale });
  try {
    const g = await newProject(t);
    for (const region of ['US_EAST_4', 'AUSTRALIA_SOUTHEAST_2', 'europe-west1']) {
      const c = await createService(t, g, 'GCP', { region });
      const log = new StatusLog(SERVICE_VOCABULARY.GCP, 'GCP service');
      log.add(c.status);
      let previous: string[] = [];
      const counts: number[] = [0];
      let available: { serviceAttachmentNames: string[] } | undefined;
      // Well before the last 22 s (scaled) nothing has appeared yet.
      t.clock.advance(2_000);
      await t.settle();
      assert.deepEqual((await look(t, g, 'GCP', c.id, log))!.serviceAttachmentNames, []);
      for (let step = 0; step < 400 && !available; step++) {
        t.clock.advance(5); // 5 ms = 0.5 s of simulated time at this scale
        // At most one change per look, and no row left due in the past (that would make the reconciler spin).
        assert.ok((await t.settle()) <= 1, 'the reconciler settles in one pass');
        const due = await t.lp.store.nextDueAt();
        assert.ok(due === null || due > t.clock.ms, 'nothing is left due at the current time');
        const s = (await look(t, g, 'GCP', c.id, log))!;
        const names: string[] = s.serviceAttachmentNames;
        for (const n of names) assert.match(n, FORMATS.gcpServiceAttachmentName);
        const idx = names.map((n) => Number(n.slice(n.lastIndexOf('-') + 1)));
        assert.deepEqual(idx, [...idx].sort((a, b) => a - b), 'ascending index order');
        assert.equal(new Set(idx).size, idx.length);
        for (const n of previous) assert.ok(names.includes(n), `${n} disappeared`);
        assert.ok(names.length - previous.length <= 1, `more than one attachment appeared at once (${previous.length} → ${names.length})`);
        if (s.status === 'INITIATING') assert.ok(names.length < 6, 'never 6 while INITIATING');
        if (s.status === 'AVAILABLE') {
          assert.equal(names.length, 6, 'AVAILABLE only with all 6');
          available = s;
        }
        if (names.length !== previous.length) counts.push(names.length);
        previous = names;
      }
      assert.ok(available, 'became AVAILABLE');
      assert.deepEqual(counts, [0, 1, 2, 3, 4, 5, 6]);
      assert.deepEqual(log.seen, ['INITIATING', 'AVAILABLE']);
      await call(t, 'DELETE', servicePath(g, 'GCP', c.id));
    }
  } finally {
    await t.close();
  }
});

test('restart: resources created before close complete after reopening the same SQLite file (the reconciler resumes from the store)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'linkplane-restart-'));
  const db = join(dir, 'linkplane.db');
  try {
    const first = await startTestLinkplane({ db });
    const g = await newProject(first);
    const ready = await availableService(first, g, 'AWS', { region: 'us-east-2' });
    const doomed = await availableService(first, g, 'AZURE', { region: 'EUROPE_NORTH' });
    // Left unfinished at close: an endpoint, a deletion and three new services.
    assert.equal((await call(first, 'POST', endpointsPath(g, 'AWS', ready.id), { body: { id: AWS_VPCE } })).status, 201);
    assert.equal((await call(first, 'DELETE', servicePath(g, 'AZURE', doomed.id))).status, 202);
    const pending = {} as Record<Provider, string>;
    for (const p of PROVIDERS) pending[p] = (await createService(first, g, p)).id;
    await first.close();

    const second = await startTestLinkplane({ db });
    try {
      assert.equal(second.orgId, first.orgId, 'the same organization, not a second bootstrap');
      for (const p of PROVIDERS) assert.equal((await call(second, 'GET', servicePath(g, p, pending[p]))).body.status, 'INITIATING');
      assert.equal((await call(second, 'GET', endpointPath(g, 'AWS', ready.id, AWS_VPCE))).body.connectionStatus, 'PENDING_ACCEPTANCE');
      assert.equal((await call(second, 'GET', servicePath(g, 'AZURE', doomed.id))).body.status, 'DELETING');
      await second.settle();
      for (const p of PROVIDERS) assert.equal((await call(second, 'GET', servicePath(g, p, pending[p]))).body.status, 'AVAILABLE');
      assert.equal((await call(second, 'GET', endpointPath(g, 'AWS', ready.id, AWS_VPCE))).body.connectionStatus, 'AVAILABLE');
      assertError(await call(second, 'GET', servicePath(g, 'AZURE', doomed.id)), 404, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', [doomed.id]);
      const parent = await call(second, 'GET', servicePath(g, 'AWS', ready.id));
      assert.deepEqual(parent.body[CHILD_KEY.AWS], [AWS_VPCE]);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('restart at a non-zero time scale: progress made before the stop counts (statusSince is stored)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'linkplane-restart-'));
  const db = join(dir, 'linkplane.db');
  const scale = 0.01;
  try {
    const first = await startTestLinkplane({ db, simTimeScale: scale });
    const g = await newProject(first);
    const s = await createService(first, g, 'AZURE');
    first.clock.advance(400); // 40 s of Azure's 59 s
    await first.settle();
    assert.equal((await call(first, 'GET', servicePath(g, 'AZURE', s.id))).body.status, 'INITIATING');
    const at = first.clock.ms;
    await first.close();

    const second = await startTestLinkplane({ db, simTimeScale: scale });
    try {
      second.clock.ms = at + 189; // 58.9 s after create
      await second.settle();
      assert.equal((await call(second, 'GET', servicePath(g, 'AZURE', s.id))).body.status, 'INITIATING');
      second.clock.ms = at + 190; // 59 s after create
      await second.settle();
      const r = await call(second, 'GET', servicePath(g, 'AZURE', s.id));
      assert.equal(r.body.status, 'AVAILABLE');
      assert.equal(r.body.regionName, REGION.AZURE);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
