import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AccessListEntry } from '../../src/domain/access-list.ts';
import type { ApiKey } from '../../src/domain/api-key.ts';
import type { CloudProvider } from '../../src/domain/cloud-provider.ts';
import { initialEndpointService, type EndpointService } from '../../src/domain/endpoint-service.ts';
import type { FaultRule } from '../../src/domain/fault-rule.ts';
import type { Organization } from '../../src/domain/organization.ts';
import { initialPrivateEndpoint, type PrivateEndpoint } from '../../src/domain/private-endpoint.ts';
import type { Project } from '../../src/domain/project.ts';
import { endpointKey, type PageRequest, type Store } from '../../src/store/store.ts';

/**
 * The one behavioural contract of `Store`, registered as node:test suites and run unchanged against
 * every engine. Each `describe` below gets a fresh, empty database from `open` (claims, nextDueAt and
 * fault rules are global, so suites must not share one). `openPeer` opens another handle ("another
 * node") on the same database as its argument; without it the concurrency suite uses one handle.
 * `cleanup` runs after a suite closed its handles, with the handle `open` returned.
 */
export function storeContract(
  name: string,
  open: () => Promise<Store>,
  cleanup?: (store: Store) => Promise<void>,
  openPeer?: (store: Store) => Promise<Store>,
): void {
  /** Registers a suite with a fresh store (and optionally a bootstrapped organization). */
  function suite(title: string, body: (ctx: Ctx) => void, opts: { bootstrap?: boolean } = { bootstrap: true }): void {
    describe(`${name}: ${title}`, () => {
      const ctx = {} as Ctx;
      const opened: Store[] = [];
      before(async () => {
        ctx.store = await open();
        opened.push(ctx.store);
        ctx.peer = async () => {
          if (!openPeer) return ctx.store;
          const p = await openPeer(ctx.store);
          opened.push(p);
          return p;
        };
        if (opts.bootstrap) {
          ctx.org = org();
          ctx.rootKey = apiKey(ctx.org.id);
          assert.equal(await ctx.store.bootstrap(ctx.org, ctx.rootKey), true);
        }
      });
      after(async () => {
        for (const s of [...opened].reverse()) await s.close();
        if (cleanup && opened.length > 0) await cleanup(opened[0]);
      });
      body(ctx);
    });
  }

  suite(
    'settings and bootstrap',
    (ctx) => {
      test('getOrCreateSetting stores the first value and returns it ever after', async () => {
        const { store } = ctx;
        assert.equal(await store.getSetting('secret'), undefined);
        assert.equal(await store.getOrCreateSetting('secret', 'first'), 'first');
        assert.equal(await store.getOrCreateSetting('secret', 'second'), 'first');
        assert.equal(await store.getSetting('secret'), 'first');
        await store.setSetting('secret', 'replaced');
        assert.equal(await store.getSetting('secret'), 'replaced');
        assert.equal(await store.getOrCreateSetting('secret', 'third'), 'replaced');
        await store.setSetting('fresh', 'v');
        assert.equal(await store.getSetting('fresh'), 'v');
        assert.equal(await store.getSetting('secret'), 'replaced');
      });

      test('bootstrap creates the organization and its first key, only once', async () => {
        const { store } = ctx;
        assert.equal(await store.countOrganizations(), 0);
        const o = org('Root');
        const k = apiKey(o.id, { orgRoles: ['ORG_OWNER'] });
        assert.equal(await store.bootstrap(o, k), true);
        assert.equal(await store.countOrganizations(), 1);
        assert.deepEqual(await store.getOrganization(o.id), o);
        assert.deepEqual(await store.getApiKey(k.id), { ...k, projectRoles: new Map() });

        const o2 = org('Other');
        const k2 = apiKey(o2.id);
        assert.equal(await store.bootstrap(o2, k2), false);
        assert.equal(await store.countOrganizations(), 1);
        assert.equal(await store.getOrganization(o2.id), undefined);
        assert.equal(await store.getApiKey(k2.id), undefined);
        assert.equal(await store.getAuthSubject(k2.publicKey), undefined);
      });
    },
    { bootstrap: false },
  );

  suite('projects', (ctx) => {
    test('insert, read back, name unique per organization', async () => {
      const { store } = ctx;
      const p = project(ctx.org.id, 'alpha', { tags: [{ key: 'env', value: 'prod' }], withDefaultAlertsSettings: false });
      assert.equal(await store.insertProject(p), true);
      assert.deepEqual(await store.getProject(p.id), p);
      assert.deepEqual(await store.getProjectByName(ctx.org.id, 'alpha'), p);
      assert.equal(await store.getProjectByName(ctx.org.id, 'beta'), undefined);
      assert.equal(await store.getProjectByName(oid(), 'alpha'), undefined);

      const clash = project(ctx.org.id, 'alpha');
      assert.equal(await store.insertProject(clash), false);
      assert.equal(await store.getProject(clash.id), undefined);
      assert.deepEqual(await store.getProjectByName(ctx.org.id, 'alpha'), p);
      assert.equal(await store.getProject(oid()), undefined);
    });

    test('updateProject refuses a taken name and keeps regional mode; setRegionalMode', async () => {
      const { store } = ctx;
      const a = project(ctx.org.id, 'upd-a');
      const b = project(ctx.org.id, 'upd-b');
      assert.equal(await store.insertProject(a), true);
      assert.equal(await store.insertProject(b), true);

      assert.equal(await store.updateProject({ ...b, name: 'upd-a' }), false);
      assert.deepEqual(await store.getProject(b.id), b);

      const renamed: Project = { ...b, name: 'upd-c', tags: [{ key: 'k', value: 'v' }], withDefaultAlertsSettings: false };
      assert.equal(await store.updateProject(renamed), true);
      assert.deepEqual(await store.getProject(b.id), renamed);
      assert.equal(await store.getProjectByName(ctx.org.id, 'upd-b'), undefined);
      assert.equal(await store.insertProject(project(ctx.org.id, 'upd-b')), true);

      await store.setRegionalMode(a.id, true);
      assert.deepEqual(await store.getProject(a.id), { ...a, regionalModeEnabled: true });
      assert.equal(await store.updateProject({ ...a, regionalModeEnabled: false, name: 'upd-a2' }), true);
      assert.deepEqual(await store.getProject(a.id), { ...a, name: 'upd-a2', regionalModeEnabled: true });
      await store.setRegionalMode(a.id, false);
      assert.equal((await store.getProject(a.id))!.regionalModeEnabled, false);
    });

    test('deleteProject: missing, has-services (also DELETING), then ok with grants removed', async () => {
      const { store } = ctx;
      assert.equal(await store.deleteProject(oid()), 'missing');
      const p = project(ctx.org.id, 'doomed');
      assert.equal(await store.insertProject(p), true);
      const k = apiKey(ctx.org.id);
      await store.insertApiKey(k);
      await store.setProjectRoles(k.id, p.id, ['GROUP_OWNER']);

      const s = service(p.id, { status: 'AVAILABLE' });
      assert.equal(await store.insertEndpointService(s), 'ok');
      assert.equal(await store.deleteProject(p.id), 'has-services');
      assert.equal(await store.requestServiceDeletion(p.id, s.id, 5000), 'ok');
      assert.equal(await store.deleteProject(p.id), 'has-services');
      assert.deepEqual(await store.getProject(p.id), p);

      assert.equal(await store.applyServiceTransitions([{ key: s.id, expectedVersion: 2, remove: true }]), 1);
      assert.equal(await store.deleteProject(p.id), 'ok');
      assert.equal(await store.getProject(p.id), undefined);
      assert.equal(await store.getProjectByName(ctx.org.id, 'doomed'), undefined);
      assert.deepEqual([...(await store.getApiKey(k.id))!.projectRoles], []);
      assert.deepEqual(await store.listProjectApiKeys(p.id, page(0, 10)), { items: [], total: 0 });
      assert.equal(await store.deleteProject(p.id), 'missing');
    });
  });

  suite('project lists', (ctx) => {
    test('listProjects pages by id with offset, limit and an optional total', async () => {
      const { store } = ctx;
      const ps = ['p-e', 'p-a', 'p-d', 'p-b', 'p-c'].map((n) => project(ctx.org.id, n));
      for (const p of ps) assert.equal(await store.insertProject(p), true);
      const sorted = [...ps].sort((a, b) => (a.id < b.id ? -1 : 1));
      const o = ctx.org.id;

      assert.deepEqual(await store.listProjects(o, null, page(0, 2)), { items: sorted.slice(0, 2), total: 5 });
      assert.deepEqual(await store.listProjects(o, null, page(2, 2)), { items: sorted.slice(2, 4), total: 5 });
      assert.deepEqual(await store.listProjects(o, null, page(4, 2)), { items: sorted.slice(4), total: 5 });
      assert.deepEqual(await store.listProjects(o, null, page(5, 2)), { items: [], total: 5 });
      assert.deepEqual(await store.listProjects(o, null, page(0, 500)), { items: sorted, total: 5 });

      const noCount = await store.listProjects(o, null, page(1, 3, false));
      assert.deepEqual(noCount.items, sorted.slice(1, 4));
      assert.equal(noCount.total, undefined);

      assert.deepEqual(await store.listProjects(oid(), null, page(0, 10)), { items: [], total: 0 });
    });

    test('list totals follow inserts and deletes of projects and keys', async () => {
      const { store } = ctx;
      const o = ctx.org.id;
      const before = (await store.listProjects(o, null, page(0, 1))).total!;
      const keysBefore = (await store.listApiKeys(o, page(0, 1))).total!;
      const a = project(o, 'count-a');
      const b = project(o, 'count-b');
      assert.equal(await store.insertProject(a), true);
      assert.equal(await store.insertProject(b), true);
      assert.equal(await store.insertProject(project(o, 'count-a')), false);
      assert.equal((await store.listProjects(o, null, page(0, 1))).total, before + 2);
      assert.equal(await store.deleteProject(a.id), 'ok');
      assert.equal((await store.listProjects(o, null, page(0, 1))).total, before + 1);
      const k = apiKey(o);
      await store.insertApiKey(k);
      assert.equal((await store.listApiKeys(o, page(0, 1))).total, keysBefore + 1);
      assert.equal(await store.deleteApiKey(k.id), true);
      assert.equal((await store.listApiKeys(o, page(0, 1))).total, keysBefore);
      assert.equal(await store.deleteProject(b.id), 'ok');
      assert.equal((await store.listProjects(o, null, page(0, 1))).total, before);
    });

    test('listProjects onlyIds restricts to those ids, still ordered and paged', async () => {
      const { store } = ctx;
      const all = (await store.listProjects(ctx.org.id, null, page(0, 100))).items;
      assert.equal(all.length, 5);
      const [p0, p1, p2, p3] = all;
      const only = [p3.id, p1.id, oid(), p0.id];
      assert.deepEqual(await store.listProjects(ctx.org.id, only, page(0, 10)), { items: [p0, p1, p3], total: 3 });
      assert.deepEqual(await store.listProjects(ctx.org.id, only, page(1, 1)), { items: [p1], total: 3 });
      const noCount = await store.listProjects(ctx.org.id, only, page(2, 5, false));
      assert.deepEqual(noCount.items, [p3]);
      assert.equal(noCount.total, undefined);
      assert.deepEqual(await store.listProjects(ctx.org.id, [], page(0, 10)), { items: [], total: 0 });
      assert.deepEqual(await store.listProjects(oid(), [p2.id], page(0, 10)), { items: [], total: 0 });
    });
  });

  suite('api keys, grants and access lists', (ctx) => {
    test('insertApiKey, getApiKey, getAuthSubject', async () => {
      const { store } = ctx;
      const k = apiKey(ctx.org.id, { desc: 'ci key', orgRoles: ['ORG_MEMBER', 'ORG_READ_ONLY'] });
      await store.insertApiKey(k);
      assert.deepEqual(await store.getApiKey(k.id), { ...k, projectRoles: new Map() });
      assert.deepEqual(await store.getAuthSubject(k.publicKey), { key: { ...k, projectRoles: new Map() }, accessList: [] });
      assert.equal(await store.getAuthSubject('nosuchkey'), undefined);
      assert.equal(await store.getApiKey(oid()), undefined);
    });

    test('setProjectRoles upserts and keeps grant order; removeProjectRoles', async () => {
      const { store } = ctx;
      const p1 = project(ctx.org.id, 'g1');
      const p2 = project(ctx.org.id, 'g2');
      const p3 = project(ctx.org.id, 'g3');
      for (const p of [p1, p2, p3]) assert.equal(await store.insertProject(p), true);
      const k = apiKey(ctx.org.id);
      await store.insertApiKey(k);

      await store.setProjectRoles(k.id, p2.id, ['GROUP_OWNER']);
      await store.setProjectRoles(k.id, p1.id, ['GROUP_READ_ONLY']);
      await store.setProjectRoles(k.id, p3.id, ['GROUP_DATA_ACCESS_READ_ONLY']);
      await store.setProjectRoles(k.id, p2.id, ['GROUP_READ_ONLY', 'GROUP_CLUSTER_MANAGER']);
      const got = (await store.getApiKey(k.id))!;
      assert.deepEqual(
        [...got.projectRoles],
        [
          [p2.id, ['GROUP_READ_ONLY', 'GROUP_CLUSTER_MANAGER']],
          [p1.id, ['GROUP_READ_ONLY']],
          [p3.id, ['GROUP_DATA_ACCESS_READ_ONLY']],
        ],
      );
      assert.deepEqual([...(await store.getAuthSubject(k.publicKey))!.key.projectRoles], [...got.projectRoles]);

      assert.equal(await store.removeProjectRoles(k.id, p1.id), true);
      assert.equal(await store.removeProjectRoles(k.id, p1.id), false);
      assert.deepEqual(
        [...(await store.getApiKey(k.id))!.projectRoles],
        [
          [p2.id, ['GROUP_READ_ONLY', 'GROUP_CLUSTER_MANAGER']],
          [p3.id, ['GROUP_DATA_ACCESS_READ_ONLY']],
        ],
      );
    });

    test('listApiKeys and listProjectApiKeys page by id', async () => {
      const { store } = ctx;
      const p = project(ctx.org.id, 'listing');
      assert.equal(await store.insertProject(p), true);
      const keys = [apiKey(ctx.org.id), apiKey(ctx.org.id), apiKey(ctx.org.id)];
      for (const k of keys) await store.insertApiKey(k);
      await store.setProjectRoles(keys[2].id, p.id, ['GROUP_OWNER']);
      await store.setProjectRoles(keys[0].id, p.id, ['GROUP_READ_ONLY']);

      const all = await store.listApiKeys(ctx.org.id, page(0, 100));
      const ids = all.items.map((k) => k.id);
      assert.deepEqual(ids, [...ids].sort());
      assert.equal(all.total, all.items.length);
      assert.ok(all.items.length >= 4);
      assert.deepEqual(ids.slice(-3), keys.map((k) => k.id));
      assert.deepEqual(ids[0], ctx.rootKey.id);
      const second = await store.listApiKeys(ctx.org.id, page(1, 2, false));
      assert.deepEqual(
        second.items.map((k) => k.id),
        ids.slice(1, 3),
      );
      assert.equal(second.total, undefined);
      assert.deepEqual(await store.listApiKeys(oid(), page(0, 10)), { items: [], total: 0 });

      const inProject = await store.listProjectApiKeys(p.id, page(0, 10));
      assert.deepEqual(inProject, {
        items: [
          { ...keys[0], projectRoles: new Map([[p.id, ['GROUP_READ_ONLY']]]) },
          { ...keys[2], projectRoles: new Map([[p.id, ['GROUP_OWNER']]]) },
        ],
        total: 2,
      });
      const page2 = await store.listProjectApiKeys(p.id, page(1, 1, false));
      assert.deepEqual(
        page2.items.map((k) => k.id),
        [keys[2].id],
      );
      assert.equal(page2.total, undefined);
    });

    test('updateApiKey changes only what it is given', async () => {
      const { store } = ctx;
      const k = apiKey(ctx.org.id, { desc: 'before', orgRoles: ['ORG_MEMBER'] });
      await store.insertApiKey(k);
      await store.updateApiKey(k.id, { desc: 'after' });
      assert.deepEqual(await store.getApiKey(k.id), { ...k, desc: 'after', projectRoles: new Map() });
      await store.updateApiKey(k.id, { orgRoles: ['ORG_OWNER', 'ORG_MEMBER'] });
      assert.deepEqual(await store.getApiKey(k.id), { ...k, desc: 'after', orgRoles: ['ORG_OWNER', 'ORG_MEMBER'], projectRoles: new Map() });
      await store.updateApiKey(k.id, { desc: 'both', orgRoles: [] });
      assert.deepEqual(await store.getApiKey(k.id), { ...k, desc: 'both', orgRoles: [], projectRoles: new Map() });
      await store.updateApiKey(k.id, {});
      assert.deepEqual(await store.getApiKey(k.id), { ...k, desc: 'both', orgRoles: [], projectRoles: new Map() });
    });

    test('access list: add keeps counters, list pages, recordAccessListUse, delete', async () => {
      const { store } = ctx;
      const k = apiKey(ctx.org.id);
      await store.insertApiKey(k);
      const e1 = entry(k.id, '10.0.0.10/32', '10.0.0.10', 2000);
      const e2 = entry(k.id, '10.0.0.9/32', '10.0.0.9', 2000);
      const e3 = entry(k.id, '192.168.0.0/16', null, 1000);
      await store.addAccessListEntries([e1, e2, e3]);
      // created_at, then cidr block in byte order ('10.0.0.10/32' < '10.0.0.9/32').
      assert.deepEqual(await store.listAccessList(k.id, page(0, 10)), { items: [e3, e1, e2], total: 3 });
      assert.deepEqual(await store.listAccessList(k.id, page(1, 1)), { items: [e1], total: 3 });
      const noCount = await store.listAccessList(k.id, page(2, 5, false));
      assert.deepEqual(noCount.items, [e2]);
      assert.equal(noCount.total, undefined);

      await store.recordAccessListUse(k.id, e1.cidrBlock, '10.0.0.10', 7000);
      await store.recordAccessListUse(k.id, e1.cidrBlock, '::ffff:10.0.0.10', 8000);
      await store.recordAccessListUse(k.id, '1.2.3.4/32', '1.2.3.4', 8000);
      const used: AccessListEntry = { ...e1, count: 2, lastUsedAt: 8000, lastUsedAddress: '::ffff:10.0.0.10' };
      assert.deepEqual(await store.getAccessListEntry(k.id, e1.cidrBlock), used);
      assert.equal(await store.getAccessListEntry(k.id, '1.2.3.4/32'), undefined);

      const e4 = entry(k.id, '172.16.0.1/32', '172.16.0.1', 3000);
      await store.addAccessListEntries([{ ...e1, createdAt: 9000 }, e4]);
      assert.deepEqual(await store.getAccessListEntry(k.id, e1.cidrBlock), used);
      assert.deepEqual(await store.listAccessList(k.id, page(0, 10)), { items: [e3, used, e2, e4], total: 4 });
      // The auth subject's access list is a set: its order is not part of the contract.
      const subject = (await store.getAuthSubject(k.publicKey))!;
      assert.deepEqual(subject.key, { ...k, projectRoles: new Map() });
      assert.deepEqual(byCidr(subject.accessList), byCidr([e3, used, e2, e4]));

      assert.equal(await store.deleteAccessListEntry(k.id, e2.cidrBlock), true);
      assert.equal(await store.deleteAccessListEntry(k.id, e2.cidrBlock), false);
      assert.equal(await store.getAccessListEntry(k.id, e2.cidrBlock), undefined);
      assert.deepEqual(await store.listAccessList(k.id, page(0, 10)), { items: [e3, used, e4], total: 3 });
      await store.addAccessListEntries([]);
      assert.deepEqual(await store.listAccessList(k.id, page(0, 10)), { items: [e3, used, e4], total: 3 });
    });

    test('deleteApiKey removes the key with its grants and access list', async () => {
      const { store } = ctx;
      const p = project(ctx.org.id, 'cascade');
      assert.equal(await store.insertProject(p), true);
      const k = apiKey(ctx.org.id);
      const other = apiKey(ctx.org.id);
      await store.insertApiKey(k);
      await store.insertApiKey(other);
      await store.setProjectRoles(k.id, p.id, ['GROUP_OWNER']);
      await store.setProjectRoles(other.id, p.id, ['GROUP_READ_ONLY']);
      const ke = entry(k.id, '10.1.0.0/16', null, 100);
      const oe = entry(other.id, '10.1.0.0/16', null, 100);
      await store.addAccessListEntries([ke, oe]);

      assert.equal(await store.deleteApiKey(k.id), true);
      assert.equal(await store.getApiKey(k.id), undefined);
      assert.equal(await store.getAuthSubject(k.publicKey), undefined);
      assert.deepEqual(await store.listAccessList(k.id, page(0, 10)), { items: [], total: 0 });
      assert.equal(await store.getAccessListEntry(k.id, ke.cidrBlock), undefined);
      assert.deepEqual(await store.listProjectApiKeys(p.id, page(0, 10)), {
        items: [{ ...other, projectRoles: new Map([[p.id, ['GROUP_READ_ONLY']]]) }],
        total: 1,
      });
      assert.equal(await store.removeProjectRoles(k.id, p.id), false);
      assert.deepEqual(await store.getAuthSubject(other.publicKey), {
        key: { ...other, projectRoles: new Map([[p.id, ['GROUP_READ_ONLY']]]) },
        accessList: [oe],
      });
      assert.equal(await store.deleteApiKey(k.id), false);
      // The public key is free again.
      await store.insertApiKey(apiKey(ctx.org.id, { publicKey: k.publicKey }));
    });
  });

  suite('endpoint services and private endpoints', (ctx) => {
    let p: Project;
    let q: Project;
    before(async () => {
      p = project(ctx.org.id, 'pe-main');
      q = project(ctx.org.id, 'pe-other');
      assert.equal(await ctx.store.insertProject(p), true);
      assert.equal(await ctx.store.insertProject(q), true);
    });

    test('one service per (project, provider, region), also while DELETING', async () => {
      const { store } = ctx;
      const s = service(p.id, { provider: 'AWS', region: 'US_EAST_2', nextReconcileAt: 1500 });
      assert.equal(await store.insertEndpointService(s), 'ok');
      assert.deepEqual(await store.getEndpointService(p.id, s.id), { ...s, endpointIds: [] });
      assert.equal(await store.getEndpointService(q.id, s.id), undefined);
      assert.equal(await store.getEndpointService(p.id, oid()), undefined);

      assert.equal(await store.insertEndpointService(service(p.id, { provider: 'AWS', region: 'US_EAST_2' })), 'duplicate-region');
      const az = service(p.id, { provider: 'AZURE', region: 'US_EAST_2' });
      assert.equal(await store.insertEndpointService(az), 'ok');
      const other = service(q.id, { provider: 'AWS', region: 'US_EAST_2' });
      assert.equal(await store.insertEndpointService(other), 'ok');
      assert.equal(await store.countEndpointServices(p.id), 2);
      assert.equal(await store.countEndpointServices(q.id), 1);

      assert.equal(await store.requestServiceDeletion(q.id, s.id, 6000), 'missing');
      assert.equal(await store.requestServiceDeletion(p.id, oid(), 6000), 'missing');
      assert.equal(await store.requestServiceDeletion(p.id, s.id, 6000), 'ok');
      const deleting = { ...s, status: 'DELETING' as const, deleteRequested: true, statusSince: 6000, nextReconcileAt: 6000, version: 2 };
      assert.deepEqual(await store.getEndpointService(p.id, s.id), { ...deleting, endpointIds: [] });
      assert.equal(await store.requestServiceDeletion(p.id, s.id, 7000), 'ok');
      assert.deepEqual(await store.getEndpointService(p.id, s.id), { ...deleting, endpointIds: [] });
      assert.equal(await store.insertEndpointService(service(p.id, { provider: 'AWS', region: 'US_EAST_2' })), 'duplicate-region');

      assert.equal(await store.applyServiceTransitions([{ key: s.id, expectedVersion: 2, remove: true }]), 1);
      assert.equal(await store.getEndpointService(p.id, s.id), undefined);
      assert.equal(await store.insertEndpointService(service(p.id, { provider: 'AWS', region: 'US_EAST_2' })), 'ok');
    });

    test('listEndpointServices by project and provider, ordered by id, with endpoint ids', async () => {
      const { store } = ctx;
      const r = project(ctx.org.id, 'pe-list');
      assert.equal(await store.insertProject(r), true);
      const a = service(r.id, { provider: 'GCP', region: 'CENTRAL_US', portMappingEnabled: true, serviceAttachmentNames: ['sa-0', 'sa-1'] });
      const b = service(r.id, { provider: 'GCP', region: 'EASTERN_US', portMappingEnabled: false });
      const c = service(r.id, { provider: 'AWS', region: 'US_WEST_2', supportedRemoteRegions: ['US_EAST_1'] });
      for (const s of [b, c, a]) assert.equal(await store.insertEndpointService(s), 'ok');
      assert.deepEqual(await store.listEndpointServices(r.id, 'GCP'), [
        { ...a, endpointIds: [] },
        { ...b, endpointIds: [] },
      ]);
      assert.deepEqual(await store.listEndpointServices(r.id, 'AWS'), [{ ...c, endpointIds: [] }]);
      assert.deepEqual(await store.listEndpointServices(r.id, 'AZURE'), []);
      assert.equal(await store.countEndpointServices(r.id), 3);
      assert.equal(await store.countEndpointServices(oid()), 0);
    });

    test('insertPrivateEndpoint: ok, duplicate, service-missing, service-not-available', async () => {
      const { store } = ctx;
      const initiating = service(p.id, { provider: 'AWS', region: 'EU_WEST_1', status: 'INITIATING' });
      const available = service(p.id, { provider: 'AWS', region: 'EU_WEST_2', status: 'AVAILABLE', endpointServiceName: 'com.amazonaws.vpce.eu-west-2.vpce-svc-0123456789abcdef0' });
      const leaving = service(p.id, { provider: 'AWS', region: 'EU_WEST_3', status: 'AVAILABLE', deleteRequested: true });
      const failed = service(p.id, { provider: 'AWS', region: 'EU_CENTRAL_1', status: 'FAILED', errorMessage: 'boom' });
      for (const s of [initiating, available, leaving, failed]) assert.equal(await store.insertEndpointService(s), 'ok');

      assert.equal(await store.insertPrivateEndpoint(endpoint(initiating, 'vpce-0000000000000000a')), 'service-not-available');
      assert.equal(await store.insertPrivateEndpoint(endpoint(leaving, 'vpce-0000000000000000a')), 'service-not-available');
      assert.equal(await store.insertPrivateEndpoint(endpoint(failed, 'vpce-0000000000000000a')), 'service-not-available');
      assert.equal(await store.insertPrivateEndpoint(endpoint({ ...available, id: oid() }, 'vpce-0000000000000000a')), 'service-missing');
      assert.equal(await store.insertPrivateEndpoint(endpoint({ ...available, projectId: q.id }, 'vpce-0000000000000000a')), 'service-missing');
      assert.equal(await store.insertPrivateEndpoint(endpoint({ ...available, provider: 'AZURE' }, 'vpce-0000000000000000a')), 'service-missing');

      const e1 = endpoint(available, 'vpce-0000000000000000b', { nextReconcileAt: 4000 });
      const e2 = endpoint(available, 'vpce-0000000000000000a');
      const e3 = endpoint(available, 'vpce-00000000000000000');
      assert.equal(await store.insertPrivateEndpoint(e1), 'ok');
      assert.equal(await store.insertPrivateEndpoint(e2), 'ok');
      assert.equal(await store.insertPrivateEndpoint({ ...e1, status: 'AVAILABLE' }), 'duplicate');
      assert.equal(await store.insertPrivateEndpoint(e3), 'ok');
      assert.deepEqual(await store.getPrivateEndpoint(available.id, e1.endpointId), e1);
      assert.deepEqual(await store.getPrivateEndpoint(available.id, e2.endpointId), e2);
      assert.equal(await store.getPrivateEndpoint(available.id, 'vpce-nothing'), undefined);
      assert.equal(await store.getPrivateEndpoint(initiating.id, e1.endpointId), undefined);
      // Creation order, not id order.
      assert.deepEqual(await store.getEndpointService(p.id, available.id), { ...available, endpointIds: [e1.endpointId, e2.endpointId, e3.endpointId] });
      assert.deepEqual(
        (await store.listEndpointServices(p.id, 'AWS')).find((s) => s.id === available.id)!.endpointIds,
        [e1.endpointId, e2.endpointId, e3.endpointId],
      );

      // The same endpoint id under another service is another endpoint.
      const other = service(q.id, { provider: 'AWS', region: 'EU_WEST_2', status: 'AVAILABLE' });
      assert.equal(await store.insertEndpointService(other), 'ok');
      assert.equal(await store.insertPrivateEndpoint(endpoint(other, e1.endpointId)), 'ok');

      // Azure and GCP details round-trip.
      const az = service(p.id, { provider: 'AZURE', region: 'EUROPE_WEST', status: 'AVAILABLE', privateLinkServiceName: 'pls_abc', privateLinkServiceResourceId: '/subscriptions/x/pls_abc' });
      const gcp = service(p.id, { provider: 'GCP', region: 'WESTERN_EUROPE', status: 'AVAILABLE', portMappingEnabled: false, serviceAttachmentNames: ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'] });
      assert.equal(await store.insertEndpointService(az), 'ok');
      assert.equal(await store.insertEndpointService(gcp), 'ok');
      const ae = endpoint(az, '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe1', {
        status: 'INITIATING',
        privateEndpointIPAddress: '10.0.0.4',
      });
      const ge = endpoint(gcp, 'group-1', {
        status: 'INITIATING',
        gcpProjectId: 'my-gcp-project',
        endpoints: [
          { endpointName: 'fr-0', ipAddress: '10.0.0.2', status: 'INITIATING' },
          { endpointName: 'fr-1', ipAddress: '10.0.0.3', status: 'INITIATING' },
        ],
        portMappingEnabled: false,
      });
      assert.equal(await store.insertPrivateEndpoint(ae), 'ok');
      assert.equal(await store.insertPrivateEndpoint(ge), 'ok');
      assert.deepEqual(await store.getPrivateEndpoint(az.id, ae.endpointId), ae);
      assert.deepEqual(await store.getPrivateEndpoint(gcp.id, ge.endpointId), ge);
      assert.deepEqual(await store.getEndpointService(p.id, gcp.id), { ...gcp, endpointIds: ['group-1'] });
    });

    test('requestServiceDeletion refuses a service with endpoints; requestEndpointDeletion', async () => {
      const { store } = ctx;
      const s = service(p.id, { provider: 'AWS', region: 'AP_SOUTH_1', status: 'AVAILABLE' });
      assert.equal(await store.insertEndpointService(s), 'ok');
      const e = endpoint(s, 'vpce-0123456789abcdef0', { nextReconcileAt: 3000 });
      assert.equal(await store.insertPrivateEndpoint(e), 'ok');

      assert.equal(await store.requestServiceDeletion(p.id, s.id, 9000), 'has-endpoints');
      assert.deepEqual(await store.getEndpointService(p.id, s.id), { ...s, endpointIds: [e.endpointId] });

      assert.equal(await store.requestEndpointDeletion(s.id, 'vpce-missing', 9000), false);
      assert.equal(await store.requestEndpointDeletion(oid(), e.endpointId, 9000), false);
      assert.equal(await store.requestEndpointDeletion(s.id, e.endpointId, 9000), true);
      const deleting = { ...e, status: 'DELETING' as const, deleteRequested: true, statusSince: 9000, nextReconcileAt: 9000, version: 2 };
      assert.deepEqual(await store.getPrivateEndpoint(s.id, e.endpointId), deleting);
      assert.equal(await store.requestEndpointDeletion(s.id, e.endpointId, 9500), true);
      assert.deepEqual(await store.getPrivateEndpoint(s.id, e.endpointId), deleting);
      assert.equal(await store.requestServiceDeletion(p.id, s.id, 9600), 'has-endpoints');

      assert.equal(await store.applyEndpointTransitions([{ key: endpointKey(s.id, e.endpointId), expectedVersion: 2, remove: true }]), 1);
      assert.deepEqual(await store.getEndpointService(p.id, s.id), { ...s, endpointIds: [] });
      assert.equal(await store.requestServiceDeletion(p.id, s.id, 9700), 'ok');
      assert.equal(await store.insertPrivateEndpoint(endpoint(s, 'vpce-0123456789abcdef1')), 'service-not-available');
    });

    test('updateServiceRemoteRegions replaces the regions and bumps the version', async () => {
      const { store } = ctx;
      const s = service(p.id, { provider: 'AWS', region: 'SA_EAST_1', status: 'AVAILABLE', supportedRemoteRegions: ['US_EAST_1'] });
      assert.equal(await store.insertEndpointService(s), 'ok');
      const e = endpoint(s, 'vpce-0aaaaaaaaaaaaaaaa');
      assert.equal(await store.insertPrivateEndpoint(e), 'ok');
      const expected = { ...s, supportedRemoteRegions: ['US_WEST_2', 'EU_WEST_1'], version: 2, endpointIds: [e.endpointId] };
      assert.deepEqual(await store.updateServiceRemoteRegions(p.id, s.id, ['US_WEST_2', 'EU_WEST_1']), expected);
      assert.deepEqual(await store.getEndpointService(p.id, s.id), expected);
      const cleared = { ...expected, supportedRemoteRegions: null, version: 3 };
      assert.deepEqual(await store.updateServiceRemoteRegions(p.id, s.id, null), cleared);
      assert.deepEqual(await store.getEndpointService(p.id, s.id), cleared);
      assert.equal(await store.updateServiceRemoteRegions(q.id, s.id, []), undefined);
      assert.equal(await store.updateServiceRemoteRegions(p.id, oid(), []), undefined);
      assert.deepEqual(await store.getEndpointService(p.id, s.id), cleared);
    });
  });

  suite('reconciler claims and transitions', (ctx) => {
    let p: Project;
    before(async () => {
      p = project(ctx.org.id, 'reconcile');
      assert.equal(await ctx.store.insertProject(p), true);
    });

    test('nextDueAt is the earliest nextReconcileAt of any service or endpoint', async () => {
      const { store } = ctx;
      assert.equal(await store.nextDueAt(), null);
      const idle = service(p.id, { region: 'US_WEST_1', status: 'AVAILABLE', nextReconcileAt: null });
      assert.equal(await store.insertEndpointService(idle), 'ok');
      assert.equal(await store.nextDueAt(), null);
      const e = endpoint(idle, 'vpce-due', { nextReconcileAt: 50_000 });
      assert.equal(await store.insertPrivateEndpoint(e), 'ok');
      assert.equal(await store.nextDueAt(), 50_000);
      const s = service(p.id, { region: 'CA_CENTRAL_1', nextReconcileAt: 60_000 });
      assert.equal(await store.insertEndpointService(s), 'ok');
      assert.equal(await store.nextDueAt(), 50_000);
      assert.equal(await store.applyEndpointTransitions([{ key: endpointKey(idle.id, e.endpointId), expectedVersion: 1, patch: { nextReconcileAt: null } }]), 1);
      assert.equal(await store.nextDueAt(), 60_000);
      assert.equal(await store.applyServiceTransitions([{ key: s.id, expectedVersion: 1, patch: { nextReconcileAt: 1_700_000_000_000 } }]), 1);
      assert.equal(await store.nextDueAt(), 1_700_000_000_000);
      assert.equal(await store.applyServiceTransitions([{ key: s.id, expectedVersion: 2, patch: { nextReconcileAt: null } }]), 1);
      assert.equal(await store.nextDueAt(), null);
    });

    test('claimDueServices leases due rows to one owner until the lease expires', async () => {
      const { store } = ctx;
      const s1 = service(p.id, { region: 'AP_EAST_1', nextReconcileAt: 100_030 });
      const s2 = service(p.id, { region: 'AP_EAST_2', nextReconcileAt: 100_010 });
      const s3 = service(p.id, { region: 'AP_SOUTH_2', nextReconcileAt: 100_020 });
      const later = service(p.id, { region: 'AP_NORTHEAST_1', nextReconcileAt: 200_000 });
      for (const s of [s1, s2, s3, later]) assert.equal(await store.insertEndpointService(s), 'ok');

      assert.deepEqual(await store.claimDueServices(100_009, 'A', 1000, 10), []);
      assert.deepEqual(await store.claimDueServices(100_025, 'A', 1000, 1), [s2]);
      assert.deepEqual(await store.claimDueServices(100_025, 'A', 1000, 10), [s3]);
      assert.deepEqual(await store.claimDueServices(100_025, 'B', 1000, 10), []);
      assert.deepEqual(await store.claimDueServices(100_030, 'B', 1000, 10), [s1]);
      // A's leases run to 101_025; B's to 101_030.
      assert.deepEqual(await store.claimDueServices(101_024, 'C', 1000, 10), []);
      assert.deepEqual(await store.claimDueServices(101_025, 'C', 500, 10), [s2, s3]);
      assert.deepEqual(await store.claimDueServices(101_029, 'A', 500, 10), []);
      assert.deepEqual(await store.claimDueServices(101_030, 'A', 500, 10), [s1]);
      // C's lease (to 101_525) is released by a transition: the row is claimable again at once.
      assert.equal(await store.applyServiceTransitions([{ key: s2.id, expectedVersion: 1, patch: { nextReconcileAt: 101_100 } }]), 1);
      assert.deepEqual(await store.claimDueServices(101_100, 'D', 500, 10), [{ ...s2, nextReconcileAt: 101_100, version: 2 }]);
      // A row with no nextReconcileAt is never claimed.
      assert.equal(await store.applyServiceTransitions([{ key: s3.id, expectedVersion: 1, patch: { nextReconcileAt: null } }]), 1);
      const s2v2 = { ...s2, nextReconcileAt: 101_100, version: 2 };
      assert.deepEqual(await store.claimDueServices(150_000, 'E', 500, 10), [s1, s2v2]);
      // E's leases ran out at 150_500.
      assert.deepEqual(await store.claimDueServices(300_000, 'F', 500, 10), [s1, s2v2, later]);
    });

    test('applyServiceTransitions is version-checked, releases the lease and removes', async () => {
      const { store } = ctx;
      const s = service(p.id, { region: 'ME_SOUTH_1', nextReconcileAt: 1_000 });
      const t = service(p.id, { region: 'ME_CENTRAL_1', nextReconcileAt: 1_000 });
      assert.equal(await store.insertEndpointService(s), 'ok');
      assert.equal(await store.insertEndpointService(t), 'ok');

      // Plain columns only.
      assert.equal(
        await store.applyServiceTransitions([
          { key: s.id, expectedVersion: 1, patch: { status: 'FAILED', errorMessage: 'no capacity', statusSince: 2_000, nextReconcileAt: null } },
        ]),
        1,
      );
      const failed = { ...s, status: 'FAILED' as const, errorMessage: 'no capacity', statusSince: 2_000, nextReconcileAt: null, version: 2 };
      assert.deepEqual(await store.getEndpointService(p.id, s.id), { ...failed, endpointIds: [] });
      // Stale: nothing changes.
      assert.equal(await store.applyServiceTransitions([{ key: s.id, expectedVersion: 1, patch: { status: 'AVAILABLE' } }]), 0);
      assert.equal(await store.applyServiceTransitions([{ key: s.id, expectedVersion: 3, patch: { status: 'AVAILABLE' } }]), 0);
      assert.equal(await store.applyServiceTransitions([{ key: oid(), expectedVersion: 1, patch: { status: 'AVAILABLE' } }]), 0);
      assert.deepEqual(await store.getEndpointService(p.id, s.id), { ...failed, endpointIds: [] });

      // Details and plain columns, in one batch with a stale and a missing transition.
      const names = ['projects/x/regions/europe-west1/serviceAttachments/sa-0'];
      assert.equal(
        await store.applyServiceTransitions([
          { key: t.id, expectedVersion: 1, patch: { status: 'AVAILABLE', endpointServiceName: 'com.amazonaws.vpce.me-central-1.vpce-svc-0abc', serviceAttachmentNames: names, statusSince: 3_000, nextReconcileAt: 9_000 } },
          { key: s.id, expectedVersion: 1, patch: { status: 'AVAILABLE' } },
          { key: oid(), expectedVersion: 1, remove: true },
          { key: s.id, expectedVersion: 2, patch: { deleteRequested: true, status: 'DELETING', statusSince: 3_000, nextReconcileAt: 3_000 } },
        ]),
        2,
      );
      const avail = { ...t, status: 'AVAILABLE' as const, endpointServiceName: 'com.amazonaws.vpce.me-central-1.vpce-svc-0abc', serviceAttachmentNames: names, statusSince: 3_000, nextReconcileAt: 9_000, version: 2 };
      assert.deepEqual(await store.getEndpointService(p.id, t.id), { ...avail, endpointIds: [] });
      const del = { ...failed, status: 'DELETING' as const, deleteRequested: true, statusSince: 3_000, nextReconcileAt: 3_000, version: 3 };
      assert.deepEqual(await store.getEndpointService(p.id, s.id), { ...del, endpointIds: [] });

      // Claimed by X (lease to 13_000), the transition releases it: Y can claim at once.
      assert.deepEqual(await store.claimDueServices(3_000, 'X', 10_000, 10), [del]);
      assert.equal(await store.applyServiceTransitions([{ key: s.id, expectedVersion: 3, patch: { nextReconcileAt: 3_500 } }]), 1);
      assert.deepEqual(await store.claimDueServices(3_500, 'Y', 10_000, 10), [{ ...del, nextReconcileAt: 3_500, version: 4 }]);

      // Remove: stale does nothing, current deletes.
      assert.equal(await store.applyServiceTransitions([{ key: s.id, expectedVersion: 3, remove: true }]), 0);
      assert.notEqual(await store.getEndpointService(p.id, s.id), undefined);
      assert.equal(await store.applyServiceTransitions([{ key: s.id, expectedVersion: 4, remove: true }]), 1);
      assert.equal(await store.getEndpointService(p.id, s.id), undefined);
      assert.equal(await store.applyServiceTransitions([]), 0);
    });

    test('claimDueEndpoints and applyEndpointTransitions', async () => {
      const { store } = ctx;
      const s = service(p.id, { provider: 'GCP', region: 'US_EAST_4', status: 'AVAILABLE', portMappingEnabled: true, nextReconcileAt: null });
      assert.equal(await store.insertEndpointService(s), 'ok');
      const rules = [
        { endpointName: 'fr-0', ipAddress: '10.0.0.2', status: 'INITIATING' as const },
        { endpointName: 'fr-1', ipAddress: '10.0.0.3', status: 'INITIATING' as const },
      ];
      const e1 = endpoint(s, 'group-b', { status: 'INITIATING', gcpProjectId: 'gp', endpoints: rules, portMappingEnabled: true, nextReconcileAt: 500_020 });
      const e2 = endpoint(s, 'group-a', { status: 'INITIATING', gcpProjectId: 'gp', endpoints: rules, portMappingEnabled: true, nextReconcileAt: 500_010 });
      assert.equal(await store.insertPrivateEndpoint(e1), 'ok');
      assert.equal(await store.insertPrivateEndpoint(e2), 'ok');

      assert.deepEqual(await store.claimDueEndpoints(500_000, 'A', 100, 10), []);
      assert.deepEqual(await store.claimDueEndpoints(500_020, 'A', 100, 10), [e2, e1]);
      assert.deepEqual(await store.claimDueEndpoints(500_119, 'B', 100, 10), []);
      assert.deepEqual(await store.claimDueEndpoints(500_120, 'B', 100, 1), [e2]);

      const k1 = endpointKey(s.id, e1.endpointId);
      const k2 = endpointKey(s.id, e2.endpointId);
      const verified = rules.map((r) => ({ ...r, status: 'VERIFIED' as const }));
      assert.equal(
        await store.applyEndpointTransitions([
          { key: k1, expectedVersion: 1, patch: { status: 'VERIFIED', endpoints: verified, statusSince: 500_200, nextReconcileAt: 500_300 } },
          { key: k2, expectedVersion: 0, patch: { status: 'FAILED' } },
          { key: endpointKey(s.id, 'nope'), expectedVersion: 1, patch: { status: 'FAILED' } },
          { key: k2, expectedVersion: 1, patch: { status: 'FAILED', errorMessage: 'quota', statusSince: 500_200, nextReconcileAt: null } },
        ]),
        2,
      );
      const e1v = { ...e1, status: 'VERIFIED' as const, endpoints: verified, statusSince: 500_200, nextReconcileAt: 500_300, version: 2 };
      const e2f = { ...e2, status: 'FAILED' as const, errorMessage: 'quota', statusSince: 500_200, nextReconcileAt: null, version: 2 };
      assert.deepEqual(await store.getPrivateEndpoint(s.id, e1.endpointId), e1v);
      assert.deepEqual(await store.getPrivateEndpoint(s.id, e2.endpointId), e2f);
      // Both leases were released; only e1 is due.
      assert.deepEqual(await store.claimDueEndpoints(600_000, 'C', 100, 10), [e1v]);

      const az = service(p.id, { provider: 'AZURE', region: 'UK_SOUTH', status: 'AVAILABLE' });
      assert.equal(await store.insertEndpointService(az), 'ok');
      const ae = endpoint(az, '/subscriptions/s/pe/x', { status: 'INITIATING', privateEndpointIPAddress: '10.2.0.4', nextReconcileAt: 1 });
      assert.equal(await store.insertPrivateEndpoint(ae), 'ok');
      const ka = endpointKey(az.id, ae.endpointId);
      assert.equal(await store.applyEndpointTransitions([{ key: ka, expectedVersion: 1, patch: { status: 'AVAILABLE', privateEndpointConnectionName: 'conn-1' } }]), 1);
      assert.deepEqual(await store.getPrivateEndpoint(az.id, ae.endpointId), { ...ae, status: 'AVAILABLE', privateEndpointConnectionName: 'conn-1', version: 2 });

      assert.equal(await store.applyEndpointTransitions([{ key: ka, expectedVersion: 1, remove: true }]), 0);
      assert.equal(await store.applyEndpointTransitions([{ key: ka, expectedVersion: 2, remove: true }]), 1);
      assert.equal(await store.getPrivateEndpoint(az.id, ae.endpointId), undefined);
      assert.deepEqual((await store.getEndpointService(p.id, az.id))!.endpointIds, []);
      assert.equal(await store.applyEndpointTransitions([]), 0);
    });
  });

  suite('fault rules', (ctx) => {
    test('insert, list in creation order, delete, clear', async () => {
      const { store } = ctx;
      assert.deepEqual(await store.listFaultRules(), []);
      const r1 = fault({ id: 'b-rule', createdAt: 20, match: { region: 'US_EAST_1', projectId: oid() }, outcome: 'FAILED', errorMessage: 'simulated' });
      const r2 = fault({ id: 'a-rule', createdAt: 20, kind: 'endpoint', provider: 'GCP', match: { endpointId: 'group-1' }, outcome: 'REJECTED' });
      const r3 = fault({ id: 'c-rule', createdAt: 10, outcome: 'STUCK' });
      for (const r of [r1, r2, r3]) await store.insertFaultRule(r);
      assert.deepEqual(await store.listFaultRules(), [r3, r2, r1]);
      assert.equal(await store.deleteFaultRule('a-rule'), true);
      assert.equal(await store.deleteFaultRule('a-rule'), false);
      assert.deepEqual(await store.listFaultRules(), [r3, r1]);
      assert.equal(await store.clearFaultRules(), 2);
      assert.equal(await store.clearFaultRules(), 0);
      assert.deepEqual(await store.listFaultRules(), []);
    });
  });

  suite(
    'concurrency between two nodes',
    (ctx) => {
      let a: Store;
      let b: Store;
      let o: Organization;
      let p: Project;
      const node = (i: number): Store => (i % 2 === 0 ? a : b);
      before(async () => {
        a = ctx.store;
        b = await ctx.peer();
      });

      test('concurrent bootstraps: exactly one succeeds', async () => {
        const orgs = Array.from({ length: 10 }, (_, i) => org(`Org ${i}`));
        const results = await Promise.all(orgs.map((x, i) => node(i).bootstrap(x, apiKey(x.id))));
        assert.equal(results.filter((r) => r).length, 1);
        assert.equal(await a.countOrganizations(), 1);
        assert.equal(await b.countOrganizations(), 1);
        o = orgs[results.indexOf(true)];
        assert.deepEqual(await b.getOrganization(o.id), o);
        p = project(o.id, 'race');
        assert.equal(await a.insertProject(p), true);
      });

      test('concurrent getOrCreateSetting: every caller gets the same first value', async () => {
        const got = await Promise.all(Array.from({ length: 20 }, (_, i) => node(i).getOrCreateSetting('nonce-secret', `v${i}`)));
        assert.equal(new Set(got).size, 1);
        assert.match(got[0], /^v\d+$/);
        assert.equal(await a.getSetting('nonce-secret'), got[0]);
      });

      test('50 concurrent insertProject with one name: exactly one true', async () => {
        const results = await Promise.all(Array.from({ length: 50 }, (_, i) => node(i).insertProject(project(o.id, 'same-name'))));
        assert.equal(results.filter((r) => r).length, 1);
        assert.equal(results.filter((r) => !r).length, 49);
      });

      test('50 concurrent insertEndpointService for one region: exactly one ok', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => node(i).insertEndpointService(service(p.id, { region: 'US_EAST_1', status: 'AVAILABLE' }))),
        );
        assert.equal(results.filter((r) => r === 'ok').length, 1);
        assert.equal(results.filter((r) => r === 'duplicate-region').length, 49);
        assert.equal(await b.countEndpointServices(p.id), 1);
      });

      test('50 concurrent insertPrivateEndpoint with one id: exactly one ok; distinct ids all land in order', async () => {
        const [s] = await a.listEndpointServices(p.id, 'AWS');
        const same = await Promise.all(Array.from({ length: 50 }, (_, i) => node(i).insertPrivateEndpoint(endpoint(s, 'vpce-0same0same0same00'))));
        assert.equal(same.filter((r) => r === 'ok').length, 1);
        assert.equal(same.filter((r) => r === 'duplicate').length, 49);
        assert.deepEqual((await b.getEndpointService(p.id, s.id))!.endpointIds, ['vpce-0same0same0same00']);

        const ids = Array.from({ length: 30 }, (_, i) => `vpce-${String(i).padStart(17, '0')}`);
        const distinct = await Promise.all(ids.map((id, i) => node(i).insertPrivateEndpoint(endpoint(s, id))));
        assert.deepEqual(distinct, ids.map(() => 'ok'));
        const listed = (await a.getEndpointService(p.id, s.id))!.endpointIds;
        assert.equal(listed.length, 31);
        assert.equal(listed[0], 'vpce-0same0same0same00');
        assert.deepEqual([...listed.slice(1)].sort(), ids);
      });

      test('requestServiceDeletion racing insertPrivateEndpoint: never both succeed', async () => {
        const regions = ['EU_NORTH_1', 'EU_SOUTH_1', 'EU_SOUTH_2', 'IL_CENTRAL_1', 'CA_WEST_1', 'MX_CENTRAL_1', 'AF_SOUTH_1', 'AP_SOUTHEAST_1'];
        for (const [i, region] of regions.entries()) {
          const s = service(p.id, { region, status: 'AVAILABLE' });
          assert.equal(await a.insertEndpointService(s), 'ok');
          const [del, ins] = await Promise.all([node(i).requestServiceDeletion(p.id, s.id, 10), node(i + 1).insertPrivateEndpoint(endpoint(s, 'vpce-racer'))]);
          const after = (await a.getEndpointService(p.id, s.id))!;
          if (del === 'ok') {
            assert.equal(ins, 'service-not-available');
            assert.equal(after.status, 'DELETING');
            assert.deepEqual(after.endpointIds, []);
          } else {
            assert.equal(del, 'has-endpoints');
            assert.equal(ins, 'ok');
            assert.equal(after.status, 'AVAILABLE');
            assert.deepEqual(after.endpointIds, ['vpce-racer']);
          }
        }
      });

      test('deleteProject racing insertEndpointService: never a service without its project', async () => {
        for (let i = 0; i < 8; i++) {
          const victim = project(o.id, `victim-${i}`);
          assert.equal(await a.insertProject(victim), true);
          const [del, ins] = await Promise.all([
            node(i).deleteProject(victim.id),
            node(i + 1)
              .insertEndpointService(service(victim.id, { region: 'US_WEST_2' }))
              .then(
                (r) => r,
                () => 'rejected' as const,
              ),
          ]);
          if (del === 'ok') {
            assert.equal(ins, 'rejected');
            assert.equal(await b.getProject(victim.id), undefined);
            assert.equal(await b.countEndpointServices(victim.id), 0);
          } else {
            assert.equal(del, 'has-services');
            assert.equal(ins, 'ok');
            assert.equal(await b.countEndpointServices(victim.id), 1);
          }
        }
      });

      test('two owners claiming concurrently never get the same row', async () => {
        const q = project(o.id, 'claims');
        assert.equal(await a.insertProject(q), true);
        const regions = ['US_EAST_1', 'US_EAST_2', 'US_WEST_1', 'US_WEST_2', 'CA_CENTRAL_1', 'EU_NORTH_1', 'EU_WEST_1', 'EU_WEST_2', 'EU_WEST_3', 'EU_CENTRAL_1'];
        const providers: CloudProvider[] = ['AWS', 'AZURE', 'GCP'];
        let n = 0;
        for (const provider of providers) {
          for (const region of regions) {
            assert.equal(await a.insertEndpointService(service(q.id, { provider, region, nextReconcileAt: 1_000_000 + (n++ % 7) })), 'ok');
          }
        }
        // Other due rows here (services the race above marked DELETING) are claimed too; only q's count.
        const claimed: Record<string, string[]> = { A: [], B: [] };
        const worker = async (owner: 'A' | 'B', store: Store): Promise<void> => {
          for (;;) {
            const got = await store.claimDueServices(1_500_000, owner, 60_000, 4);
            if (got.length === 0) return;
            claimed[owner].push(...got.filter((s) => s.projectId === q.id).map((s) => s.id));
          }
        };
        await Promise.all([worker('A', a), worker('B', b), worker('A', a), worker('B', b)]);
        const all = [...claimed.A, ...claimed.B];
        assert.equal(all.length, 30);
        assert.equal(new Set(all).size, 30);
        assert.deepEqual(await a.claimDueServices(1_500_000, 'C', 60_000, 100), []);
        assert.deepEqual(
          (await a.claimDueServices(1_560_000, 'C', 60_000, 100)).filter((s) => s.projectId === q.id).length,
          30,
        );
      });
    },
    { bootstrap: false },
  );
}

interface Ctx {
  store: Store;
  /** Another handle on the same database (the store itself when the engine has no peers). */
  peer: () => Promise<Store>;
  org: Organization;
  rootKey: ApiKey;
}

let counter = 0;
/** Increasing 24-hex ids, so "ordered by id" equals creation order in these tests. */
function oid(): string {
  return (0x65000000_00000000n * 0x100000000n + BigInt(++counter)).toString(16).padStart(24, '0');
}

function page(offset: number, limit: number, includeCount = true): PageRequest {
  return { offset, limit, includeCount };
}

function org(name = 'Org'): Organization {
  return { id: oid(), name, createdAt: 1_700_000_000_000 };
}

function apiKey(orgId: string, over: Partial<ApiKey> = {}): ApiKey {
  const id = oid();
  return {
    id,
    orgId,
    desc: 'key',
    publicKey: `pk${id.slice(-8)}`,
    ha1: '0123456789abcdef0123456789abcdef',
    privateKeyTail: '0123456789ab',
    createdAt: 1_700_000_000_123,
    orgRoles: ['ORG_OWNER'],
    ...over,
  };
}

function project(orgId: string, name: string, over: Partial<Project> = {}): Project {
  return {
    id: oid(),
    orgId,
    name,
    createdAt: 1_700_000_000_456,
    tags: [],
    withDefaultAlertsSettings: true,
    regionalModeEnabled: false,
    ...over,
  };
}

function entry(keyId: string, cidrBlock: string, ipAddress: string | null, createdAt: number): AccessListEntry {
  return { keyId, cidrBlock, ipAddress, createdAt, count: 0, lastUsedAt: null, lastUsedAddress: null };
}

function byCidr(entries: AccessListEntry[]): AccessListEntry[] {
  return [...entries].sort((x, y) => (x.cidrBlock < y.cidrBlock ? -1 : x.cidrBlock > y.cidrBlock ? 1 : 0));
}

function service(projectId: string, over: Partial<EndpointService> = {}): EndpointService {
  return {
    ...initialEndpointService({ id: oid(), projectId, provider: 'AWS', region: 'US_EAST_1', now: 1_000 }),
    nextReconcileAt: null,
    ...over,
  };
}

function endpoint(s: EndpointService, endpointId: string, over: Partial<PrivateEndpoint> = {}): PrivateEndpoint {
  return {
    ...initialPrivateEndpoint({ serviceId: s.id, projectId: s.projectId, provider: s.provider, endpointId, now: 2_000 }),
    status: 'PENDING_ACCEPTANCE',
    portMappingEnabled: null,
    nextReconcileAt: null,
    ...over,
  };
}

function fault(over: Partial<FaultRule>): FaultRule {
  return {
    id: oid(),
    provider: 'AWS',
    kind: 'endpointService',
    match: {},
    outcome: 'FAILED',
    errorMessage: null,
    createdAt: 0,
    ...over,
  };
}
