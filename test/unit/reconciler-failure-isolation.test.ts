import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialEndpointService, type EndpointService } from '../../src/domain/endpoint-service.ts';
import type { CloudDriver } from '../../src/providers/driver.ts';
import { Reconciler } from '../../src/reconciler/reconciler.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const NOW = Date.UTC(2026, 11, 4, 12);

function service(id: string, region: string): EndpointService {
  return initialEndpointService({ id, projectId: 'a'.repeat(24), provider: 'AWS', region, now: NOW });
}

test('a driver failure on one row backs that row off and lets the rest of the batch advance', async () => {
  const store = new SqliteStore(':memory:');
  store.db.prepare("INSERT INTO organizations (id, name, created_at) VALUES (?, 'o', 0)").run('b'.repeat(24));
  store.db.prepare("INSERT INTO projects (id, org_id, name, created_at) VALUES (?, ?, 'p', 0)").run('a'.repeat(24), 'b'.repeat(24));
  const bad = '1'.repeat(24);
  const good = '2'.repeat(24);
  assert.equal(await store.insertEndpointService(service(bad, 'US_EAST_1')), 'ok');
  assert.equal(await store.insertEndpointService(service(good, 'US_WEST_2')), 'ok');
  const errors: unknown[] = [];
  const driver: CloudDriver = {
    observeService: async (s) => {
      if (s.id === bad) throw new Error('cloud API unavailable');
      return { state: 'ready', endpointServiceName: 'com.amazonaws.vpce.us-west-2.vpce-svc-0123456789abcdef0' };
    },
    observeEndpoint: async () => ({ state: 'gone' }),
  };
  const r = new Reconciler({ store, driver, owner: 'n1', now: () => NOW, leaseMs: 1000, batch: 10, intervalMs: 10, retryMs: 7000, onError: (e) => errors.push(e) });
  assert.equal(await r.tick(), 2);
  const g = await store.getEndpointService('a'.repeat(24), good);
  const b = await store.getEndpointService('a'.repeat(24), bad);
  assert.equal(g?.status, 'AVAILABLE');
  assert.equal(b?.status, 'INITIATING');
  assert.equal(b?.nextReconcileAt, NOW + 7000);
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as Error).message, 'cloud API unavailable');
  await store.close();
});
