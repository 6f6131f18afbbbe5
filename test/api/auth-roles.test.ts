import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { assertError, call, createOrgKey, createProject, grant, json, secondOrg, V1, V2, type Key } from './auth-helpers.ts';

const UNAUTHORIZED = 'Current user is not authorized to perform this action.';
const MISSING = 'dddddddddddddddddddddddd';

function assertUnauthorized(res: LightMyRequestResponse): void {
  assertError(res, 401, 'USER_UNAUTHORIZED', UNAUTHORIZED);
}

describe('organization and project roles', () => {
  let t: TestLinkplane;
  let p1: string;
  let p2: string;
  let other: Awaited<ReturnType<typeof secondOrg>>;
  const keys: Record<string, Key> = {};

  before(async () => {
    t = await startTestLinkplane();
    p1 = await createProject(t.app, t.orgId, 'roles-one');
    p2 = await createProject(t.app, t.orgId, 'roles-two');
    other = await secondOrg(t.lp, t.clock.ms);
    keys.owner = await createOrgKey(t.app, t.orgId, ['ORG_OWNER'], 'owner');
    keys.readOnly = await createOrgKey(t.app, t.orgId, ['ORG_READ_ONLY'], 'org read only');
    keys.creator = await createOrgKey(t.app, t.orgId, ['ORG_GROUP_CREATOR'], 'creator');
    keys.billing = await createOrgKey(t.app, t.orgId, ['ORG_BILLING_ADMIN'], 'billing');
    keys.member = await createOrgKey(t.app, t.orgId, ['ORG_MEMBER'], 'bare member');
    keys.groupOwner = await createOrgKey(t.app, t.orgId, ['ORG_MEMBER'], 'group owner of p1');
    keys.groupRead = await createOrgKey(t.app, t.orgId, ['ORG_MEMBER'], 'group read only on p1');
    keys.clusterManager = await createOrgKey(t.app, t.orgId, ['ORG_MEMBER'], 'cluster manager on p1');
    await grant(t.app, p1, keys.groupOwner.id, ['GROUP_OWNER']);
    await grant(t.app, p1, keys.groupRead.id, ['GROUP_READ_ONLY']);
    await grant(t.app, p1, keys.clusterManager.id, ['GROUP_CLUSTER_MANAGER']);
  });
  after(() => t.close());

  const visible = async (key: Key) => json(await call(t.app, { method: 'GET', url: `${V2}/groups` }, key)).results.map((p: { id: string }) => p.id);

  test('GET /groups lists every project for ORG_OWNER and ORG_READ_ONLY, only granted ones for the rest', async () => {
    assert.deepEqual(await visible(keys.owner), [p1, p2]);
    assert.deepEqual(await visible(keys.readOnly), [p1, p2]);
    assert.deepEqual(await visible(keys.groupOwner), [p1]);
    assert.deepEqual(await visible(keys.groupRead), [p1]);
    assert.deepEqual(await visible(keys.clusterManager), [p1]);
    assert.deepEqual(await visible(keys.member), []);
    assert.deepEqual(await visible(keys.creator), []);
    assert.deepEqual(await visible(keys.billing), []);
    const orgGroups = json(await call(t.app, { method: 'GET', url: `${V1}/orgs/${t.orgId}/groups` }, keys.groupRead));
    assert.deepEqual(orgGroups.results.map((p: { id: string }) => p.id), [p1]);
    assert.equal(orgGroups.totalCount, 1);
  });

  test('ORG_OWNER reads and writes every project of its organization', async () => {
    for (const id of [p1, p2]) {
      assert.equal((await call(t.app, { method: 'GET', url: `${V2}/groups/${id}` }, keys.owner)).statusCode, 200);
      const patched = await call(t.app, { method: 'PATCH', url: `${V2}/groups/${id}`, body: { tags: [{ key: 'by', value: 'owner' }] } }, keys.owner);
      assert.equal(patched.statusCode, 200);
      assert.deepEqual(json(patched).tags, [{ key: 'by', value: 'owner' }]);
    }
    const throwaway = await createProject(t.app, t.orgId, 'owner-deletes');
    assert.equal((await call(t.app, { method: 'DELETE', url: `${V2}/groups/${throwaway}` }, keys.owner)).statusCode, 202);
  });

  test('ORG_READ_ONLY reads every project; every write is 401 USER_UNAUTHORIZED', async () => {
    for (const id of [p1, p2]) {
      for (const url of [`${V2}/groups/${id}`, `${V2}/groups/${id}/apiKeys`, `${V2}/groups/${id}/clusters`, `${V2}/groups/${id}/privateEndpoint/AWS/endpointService`]) {
        assert.equal((await call(t.app, { method: 'GET', url }, keys.readOnly)).statusCode, 200, url);
      }
      assertUnauthorized(await call(t.app, { method: 'PATCH', url: `${V2}/groups/${id}`, body: { name: 'nope' } }, keys.readOnly));
      assertUnauthorized(await call(t.app, { method: 'DELETE', url: `${V2}/groups/${id}` }, keys.readOnly));
      assertUnauthorized(await call(t.app, { method: 'POST', url: `${V2}/groups/${id}/apiKeys`, body: { desc: 'x', roles: ['GROUP_OWNER'] } }, keys.readOnly));
      assertUnauthorized(await call(t.app, { method: 'POST', url: `${V2}/groups/${id}/apiKeys/${keys.member.id}`, body: [{ roles: ['GROUP_OWNER'] }] }, keys.readOnly));
      assertUnauthorized(
        await call(t.app, { method: 'POST', url: `${V2}/groups/${id}/privateEndpoint/endpointService`, body: { providerName: 'AWS', region: 'US_EAST_1' } }, keys.readOnly),
      );
    }
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/groups/byName/roles-two` }, keys.readOnly)).statusCode, 200);
  });

  test('the role check comes before body validation: a read-only key sending garbage still gets 401', async () => {
    assertUnauthorized(await call(t.app, { method: 'PATCH', url: `${V2}/groups/${p1}`, payload: '{"unknown":1}' }, keys.readOnly));
    assertUnauthorized(await call(t.app, { method: 'PATCH', url: `${V2}/groups/${p1}`, body: { name: 5 } }, keys.groupRead));
  });

  test('ORG_GROUP_CREATOR and ORG_OWNER create projects; every other role gets 401 NOT_ORG_GROUP_CREATOR', async () => {
    for (const [name, key] of [
      ['by-owner', keys.owner],
      ['by-creator', keys.creator],
    ] as const) {
      const res = await call(t.app, { method: 'POST', url: `${V2}/groups`, body: { name, orgId: t.orgId } }, key);
      assert.equal(res.statusCode, 201, res.body);
    }
    for (const role of ['readOnly', 'billing', 'member', 'groupOwner', 'groupRead', 'clusterManager']) {
      const res = await call(t.app, { method: 'POST', url: `${V1}/groups`, body: { name: `by-${role}`, orgId: t.orgId } }, keys[role]);
      assertError(
        res,
        401,
        'NOT_ORG_GROUP_CREATOR',
        `The currently logged in user does not have the group creator role in organization ${t.orgId}.`,
        [t.orgId],
      );
    }
  });

  test('ORG_MEMBER with GROUP_OWNER reads and writes its project only', async () => {
    const k = keys.groupOwner;
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/groups/${p1}` }, k)).statusCode, 200);
    const patched = await call(t.app, { method: 'PATCH', url: `${V2}/groups/${p1}`, body: { tags: [{ key: 'by', value: 'group-owner' }] } }, k);
    assert.equal(patched.statusCode, 200, patched.body);
    const created = await call(t.app, { method: 'POST', url: `${V2}/groups/${p1}/apiKeys`, body: { desc: 'made by group owner', roles: ['GROUP_READ_ONLY'] } }, k);
    assert.equal(created.statusCode, 200, created.body);
    assert.equal(
      (await call(t.app, { method: 'GET', url: `${V2}/groups/${p1}/privateEndpoint/AWS/endpointService` }, k)).statusCode,
      200,
    );
    assertUnauthorized(await call(t.app, { method: 'GET', url: `${V2}/groups/${p2}` }, k));
    assertUnauthorized(await call(t.app, { method: 'PATCH', url: `${V2}/groups/${p2}`, body: { name: 'x' } }, k));
    assertUnauthorized(await call(t.app, { method: 'GET', url: `${V2}/groups/${p2}/apiKeys` }, k));
  });

  for (const [label, role] of [
    ['GROUP_READ_ONLY', 'groupRead'],
    ['GROUP_CLUSTER_MANAGER (any other GROUP_* role)', 'clusterManager'],
  ] as const) {
    test(`ORG_MEMBER with ${label} reads its project; writes are 401 USER_UNAUTHORIZED`, async () => {
      const k = keys[role];
      for (const url of [`${V2}/groups/${p1}`, `${V1}/groups/${p1}/apiKeys`, `${V2}/groups/${p1}/clusters`, `${V2}/groups/${p1}/privateEndpoint/AZURE/endpointService`, `${V2}/groups/byName/roles-one`]) {
        assert.equal((await call(t.app, { method: 'GET', url }, k)).statusCode, 200, url);
      }
      assertUnauthorized(await call(t.app, { method: 'PATCH', url: `${V2}/groups/${p1}`, body: { name: 'nope' } }, k));
      assertUnauthorized(await call(t.app, { method: 'DELETE', url: `${V1}/groups/${p1}` }, k));
      assertUnauthorized(await call(t.app, { method: 'POST', url: `${V2}/groups/${p1}/apiKeys`, body: { desc: 'x', roles: ['GROUP_OWNER'] } }, k));
      assertUnauthorized(await call(t.app, { method: 'PATCH', url: `${V2}/groups/${p1}/apiKeys/${k.id}`, body: { roles: ['GROUP_OWNER'] } }, k));
      assertUnauthorized(await call(t.app, { method: 'DELETE', url: `${V2}/groups/${p1}/apiKeys/${k.id}` }, k));
      assertUnauthorized(
        await call(t.app, { method: 'POST', url: `${V2}/groups/${p1}/privateEndpoint/endpointService`, body: { providerName: 'AWS', region: 'US_EAST_1' } }, k),
      );
      assertUnauthorized(await call(t.app, { method: 'GET', url: `${V2}/groups/${p2}` }, k));
    });
  }

  test('a key without access to a project of its organization gets 401 USER_UNAUTHORIZED, on both trees', async () => {
    for (const prefix of [V1, V2]) {
      for (const url of [`${prefix}/groups/${p1}`, `${prefix}/groups/${p2}/apiKeys`, `${prefix}/groups/${p1}/clusters`]) {
        assertUnauthorized(await call(t.app, { method: 'GET', url }, keys.member));
        assertUnauthorized(await call(t.app, { method: 'GET', url }, keys.creator));
        assertUnauthorized(await call(t.app, { method: 'GET', url }, keys.billing));
      }
    }
    // by name, a project the key cannot see looks missing
    assertError(
      await call(t.app, { method: 'GET', url: `${V2}/groups/byName/roles-one` }, keys.member),
      401,
      'NOT_IN_GROUP',
      'The current user is not in the group, or the group does not exist.',
      [],
    );
  });

  test('a well-formed id of a missing project is 404 GROUP_NOT_FOUND, and a project of another organization is the identical 404', async () => {
    for (const key of [keys.owner, keys.member, keys.readOnly]) {
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        for (const id of [MISSING, other.projectId]) {
          const res = await call(t.app, { method, url: `${V2}/groups/${id}`, body: method === 'PATCH' ? { name: 'x' } : undefined }, key);
          assertError(res, 404, 'GROUP_NOT_FOUND', `No group with ID ${id} exists.`, [id]);
        }
      }
      for (const id of [MISSING, other.projectId]) {
        assertError(await call(t.app, { method: 'GET', url: `${V1}/groups/${id}/apiKeys` }, key), 404, 'GROUP_NOT_FOUND', `No group with ID ${id} exists.`, [id]);
      }
    }
    // the other organization's owner sees org A's projects the same way
    assertError(await call(t.app, { method: 'GET', url: `${V2}/groups/${p1}` }, other.key), 404, 'GROUP_NOT_FOUND', `No group with ID ${p1} exists.`, [p1]);
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/groups/${other.projectId}` }, other.key)).statusCode, 200);
    assert.deepEqual(await visible(other.key), [other.projectId]);
  });

  test('another organization looks like a missing one: 404 ORG_NOT_FOUND', async () => {
    for (const id of [MISSING, other.orgId]) {
      for (const url of [`${V2}/orgs/${id}`, `${V2}/orgs/${id}/apiKeys`, `${V2}/orgs/${id}/groups`]) {
        assertError(await call(t.app, { method: 'GET', url }, keys.owner), 404, 'ORG_NOT_FOUND', `No organization with ID ${id} exists.`, [id]);
      }
      assertError(
        await call(t.app, { method: 'POST', url: `${V2}/groups`, body: { name: 'cross-org', orgId: id } }, keys.owner),
        404,
        'ORG_NOT_FOUND',
        `No organization with ID ${id} exists.`,
        [id],
      );
    }
    assertError(
      await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}` }, other.key),
      404,
      'ORG_NOT_FOUND',
      `No organization with ID ${t.orgId} exists.`,
      [t.orgId],
    );
  });

  test('keys of another organization cannot be read, changed or assigned', async () => {
    const foreign = other.key.id;
    for (const [method, url, body] of [
      ['GET', `${V2}/orgs/${t.orgId}/apiKeys/${foreign}`, undefined],
      ['PATCH', `${V2}/orgs/${t.orgId}/apiKeys/${foreign}`, { desc: 'stolen' }],
      ['DELETE', `${V2}/orgs/${t.orgId}/apiKeys/${foreign}`, undefined],
      ['POST', `${V2}/groups/${p1}/apiKeys/${foreign}`, [{ roles: ['GROUP_OWNER'] }]],
      ['PATCH', `${V2}/groups/${p1}/apiKeys/${foreign}`, { roles: ['GROUP_OWNER'] }],
      ['GET', `${V2}/orgs/${t.orgId}/apiKeys/${foreign}/accessList`, undefined],
    ] as const) {
      assertError(await call(t.app, { method, url, body }, keys.owner), 404, 'API_KEY_NOT_FOUND', `No API key with ID ${foreign} exists.`, [foreign]);
    }
    const still = await call(t.app, { method: 'GET', url: `${V2}/orgs/${other.orgId}/apiKeys/${foreign}` }, other.key);
    assert.equal(json(still).desc, 'other org owner');
    assert.deepEqual(json(still).roles, [{ orgId: other.orgId, roleName: 'ORG_OWNER' }]);
  });

  test('organization endpoints: every org role may read; only ORG_OWNER manages keys', async () => {
    for (const role of ['owner', 'readOnly', 'creator', 'billing', 'member', 'groupRead']) {
      const k = keys[role];
      assert.equal((await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}` }, k)).statusCode, 200, role);
      assert.equal((await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys` }, k)).statusCode, 200, role);
      assert.equal((await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys/${k.id}/accessList` }, k)).statusCode, 200, role);
      if (role === 'owner') continue;
      assertUnauthorized(await call(t.app, { method: 'POST', url: `${V2}/orgs/${t.orgId}/apiKeys`, body: { desc: 'x', roles: ['ORG_MEMBER'] } }, k));
      assertUnauthorized(await call(t.app, { method: 'PATCH', url: `${V2}/orgs/${t.orgId}/apiKeys/${k.id}`, body: { roles: ['ORG_OWNER'] } }, k));
      assertUnauthorized(await call(t.app, { method: 'DELETE', url: `${V2}/orgs/${t.orgId}/apiKeys/${keys.member.id}` }, k));
      assertUnauthorized(
        await call(t.app, { method: 'POST', url: `${V2}/orgs/${t.orgId}/apiKeys/${k.id}/accessList`, body: [{ ipAddress: '10.0.0.1' }] }, k),
      );
    }
    const made = await call(t.app, { method: 'POST', url: `${V2}/orgs/${t.orgId}/apiKeys`, body: { desc: 'by owner key', roles: ['ORG_MEMBER'] } }, keys.owner);
    assert.equal(made.statusCode, 200);
  });

  test('the linkplane admin API is for ORG_OWNER keys only', async () => {
    assert.equal((await call(t.app, { method: 'GET', url: '/api/linkplane/v1/sim/settings' }, keys.owner)).statusCode, 200);
    for (const role of ['readOnly', 'member', 'groupOwner']) {
      assertUnauthorized(await call(t.app, { method: 'GET', url: '/api/linkplane/v1/sim/settings' }, keys[role]));
    }
  });

  test('a role change takes effect on the next request', async () => {
    const k = await createOrgKey(t.app, t.orgId, ['ORG_MEMBER'], 'promoted');
    assertUnauthorized(await call(t.app, { method: 'GET', url: `${V2}/groups/${p2}` }, k));
    const up = await call(t.app, { method: 'PATCH', url: `${V2}/orgs/${t.orgId}/apiKeys/${k.id}`, body: { roles: ['ORG_READ_ONLY'] } });
    assert.equal(up.statusCode, 200);
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/groups/${p2}` }, k)).statusCode, 200);
    await grant(t.app, p2, k.id, ['GROUP_OWNER']);
    assert.equal((await call(t.app, { method: 'PATCH', url: `${V2}/groups/${p2}`, body: { tags: [] } }, k)).statusCode, 200);
    assert.equal((await call(t.app, { method: 'DELETE', url: `${V2}/groups/${p2}/apiKeys/${k.id}` })).statusCode, 204);
    assertUnauthorized(await call(t.app, { method: 'PATCH', url: `${V2}/groups/${p2}`, body: { tags: [] } }, k));
  });
});
