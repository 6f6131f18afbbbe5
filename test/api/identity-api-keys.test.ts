import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { digest, startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { as, assertChallenge, assertError, BASE, call, createProject, json, V1, V2, V2_TYPE } from './auth-helpers.ts';

const KEY_FIELDS = ['desc', 'id', 'links', 'privateKey', 'publicKey', 'roles'];
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const mask = (privateKey: string) => `********-****-****-${privateKey.slice(-12)}`;

describe('programmatic API keys', () => {
  let t: TestLinkplane;
  let projectId: string;
  let created: { id: string; publicKey: string; privateKey: string; desc: string };
  const keyHref = (id: string, prefix = V2) => `${BASE}${prefix}/orgs/${t.orgId}/apiKeys/${id}`;

  before(async () => {
    t = await startTestLinkplane();
    projectId = await createProject(t.app, t.orgId, 'keys-home');
  });
  after(() => t.close());

  test('POST /orgs/{orgId}/apiKeys: 200 with desc, id, links, privateKey (clear), publicKey, roles', async () => {
    const res = await call(t.app, { method: 'POST', url: `${V2}/orgs/${t.orgId}/apiKeys`, body: { desc: 'ci key', roles: ['ORG_READ_ONLY', 'ORG_GROUP_CREATOR'] } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], V2_TYPE);
    const k = json(res);
    assert.deepEqual(Object.keys(k), KEY_FIELDS);
    assert.match(k.id, /^[a-f0-9]{24}$/);
    assert.match(k.publicKey, /^[a-z]{8}$/);
    assert.match(k.privateKey, UUID_V4);
    assert.equal(
      res.body,
      JSON.stringify({
        desc: 'ci key',
        id: k.id,
        links: [{ href: keyHref(k.id), rel: 'self' }],
        privateKey: k.privateKey,
        publicKey: k.publicKey,
        roles: [
          { orgId: t.orgId, roleName: 'ORG_READ_ONLY' },
          { orgId: t.orgId, roleName: 'ORG_GROUP_CREATOR' },
        ],
      }),
    );
    created = k;
  });

  test('GET /orgs/{orgId}/apiKeys/{id} shows the key with the private key masked', async () => {
    for (const prefix of [V1, V2]) {
      const res = await call(t.app, { method: 'GET', url: `${prefix}/orgs/${t.orgId}/apiKeys/${created.id}` });
      assert.equal(res.statusCode, 200);
      assert.equal(
        res.body,
        JSON.stringify({
          desc: 'ci key',
          id: created.id,
          links: [{ href: keyHref(created.id, prefix), rel: 'self' }],
          privateKey: mask(created.privateKey),
          publicKey: created.publicKey,
          roles: [
            { orgId: t.orgId, roleName: 'ORG_READ_ONLY' },
            { orgId: t.orgId, roleName: 'ORG_GROUP_CREATOR' },
          ],
        }),
      );
    }
  });

  test('GET /orgs/{orgId}/apiKeys lists the bootstrap key and the new one', async () => {
    const res = await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys` });
    assert.equal(res.statusCode, 200);
    const body = json(res);
    assert.equal(body.totalCount, 2);
    assert.deepEqual(body.results.map((k: { publicKey: string }) => k.publicKey), ['bootpub1', created.publicKey]);
    for (const k of body.results) assert.deepEqual(Object.keys(k), KEY_FIELDS);
    assert.deepEqual(body.results[0].roles, [{ orgId: t.orgId, roleName: 'ORG_OWNER' }]);
    assert.equal(body.results[0].desc, 'linkplane bootstrap key');
  });

  test('PATCH /orgs/{orgId}/apiKeys/{id} changes desc and/or roles: 200', async () => {
    const desc = await call(t.app, { method: 'PATCH', url: `${V2}/orgs/${t.orgId}/apiKeys/${created.id}`, body: { desc: 'renamed' } });
    assert.equal(desc.statusCode, 200);
    assert.equal(json(desc).desc, 'renamed');
    assert.equal(json(desc).roles.length, 2);
    const roles = await call(t.app, { method: 'PATCH', url: `${V1}/orgs/${t.orgId}/apiKeys/${created.id}`, body: { roles: ['ORG_MEMBER', 'ORG_MEMBER'] } });
    assert.equal(roles.statusCode, 200);
    assert.equal(
      roles.body,
      JSON.stringify({
        desc: 'renamed',
        id: created.id,
        links: [{ href: keyHref(created.id, V1), rel: 'self' }],
        privateKey: mask(created.privateKey),
        publicKey: created.publicKey,
        roles: [{ orgId: t.orgId, roleName: 'ORG_MEMBER' }],
      }),
    );
    assertError(
      await call(t.app, { method: 'PATCH', url: `${V2}/orgs/${t.orgId}/apiKeys/${created.id}`, body: {} }),
      400,
      'MISSING_ATTRIBUTE',
      'The required attribute desc was not specified.',
      ['desc'],
    );
  });

  test('role and description validation on organization keys', async () => {
    const url = `${V2}/orgs/${t.orgId}/apiKeys`;
    for (const role of ['GROUP_OWNER', 'ORG_ADMIN', 'org_owner', '']) {
      assertError(await call(t.app, { method: 'POST', url, body: { desc: 'x', roles: ['ORG_MEMBER', role] } }), 400, 'INVALID_ROLE_FOR_ORG', `Role ${role} invalid for organization ${t.orgId}.`, [role, t.orgId]);
    }
    assertError(await call(t.app, { method: 'POST', url, body: { desc: 'x', roles: [] } }), 400, 'MISSING_API_KEY_ROLES', 'API keys must have at least one role.');
    assertError(
      await call(t.app, { method: 'PATCH', url: `${url}/${created.id}`, body: { roles: [] } }),
      400,
      'MISSING_API_KEY_ROLES',
      'API keys must have at least one role.',
    );
    assertError(
      await call(t.app, { method: 'PATCH', url: `${url}/${created.id}`, body: { roles: ['GROUP_READ_ONLY'] } }),
      400,
      'INVALID_ROLE_FOR_ORG',
      `Role GROUP_READ_ONLY invalid for organization ${t.orgId}.`,
      ['GROUP_READ_ONLY', t.orgId],
    );
    for (const desc of ['', 'd'.repeat(251)]) {
      assertError(await call(t.app, { method: 'POST', url, body: { desc, roles: ['ORG_MEMBER'] } }), 400, 'INVALID_API_KEY_DESC', 'API Key description must be between 1 and 250 characters.');
    }
    assert.equal((await call(t.app, { method: 'POST', url, body: { desc: 'd'.repeat(250), roles: ['ORG_MEMBER'] } })).statusCode, 200);
    assert.equal(json(await call(t.app, { method: 'GET', url })).totalCount, 3, 'only the valid request created a key');
  });

  test('assign to a project: POST array → 204 no body; the key then reads the project', async () => {
    const res = await call(t.app, { method: 'POST', url: `${V2}/groups/${projectId}/apiKeys/${created.id}`, body: [{ roles: ['GROUP_READ_ONLY'] }] });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/groups/${projectId}` }, created)).statusCode, 200);
    const k = json(await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys/${created.id}` }));
    assert.deepEqual(k.roles, [
      { orgId: t.orgId, roleName: 'ORG_MEMBER' },
      { groupId: projectId, roleName: 'GROUP_READ_ONLY' },
    ]);
  });

  test('PATCH /groups/{id}/apiKeys/{keyId} {"roles": […]} replaces the project roles: 200 with the key', async () => {
    const res = await call(t.app, {
      method: 'PATCH',
      url: `${V2}/groups/${projectId}/apiKeys/${created.id}`,
      body: { roles: ['GROUP_OWNER', 'GROUP_DATA_ACCESS_READ_ONLY'] },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(
      res.body,
      JSON.stringify({
        desc: 'renamed',
        id: created.id,
        links: [{ href: keyHref(created.id), rel: 'self' }],
        privateKey: mask(created.privateKey),
        publicKey: created.publicKey,
        roles: [
          { orgId: t.orgId, roleName: 'ORG_MEMBER' },
          { groupId: projectId, roleName: 'GROUP_OWNER' },
          { groupId: projectId, roleName: 'GROUP_DATA_ACCESS_READ_ONLY' },
        ],
      }),
    );
    // PATCH also assigns a key that had no role on the project (as the Atlas CLI does)
    const other = await createProject(t.app, t.orgId, 'keys-second');
    const assign = await call(t.app, { method: 'PATCH', url: `${V1}/groups/${other}/apiKeys/${created.id}`, body: { roles: ['GROUP_READ_ONLY'] } });
    assert.equal(assign.statusCode, 200);
    assert.equal(json(assign).roles.length, 4);
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/groups/${other}` }, created)).statusCode, 200);
  });

  test('GET /groups/{id}/apiKeys lists the keys assigned to the project', async () => {
    const res = await call(t.app, { method: 'GET', url: `${V2}/groups/${projectId}/apiKeys` });
    assert.equal(res.statusCode, 200);
    const body = json(res);
    assert.equal(body.totalCount, 1);
    assert.deepEqual(Object.keys(body.results[0]), KEY_FIELDS);
    assert.equal(body.results[0].id, created.id);
    assert.equal(body.results[0].privateKey, mask(created.privateKey));
    assert.deepEqual(body.links, [{ href: `${BASE}${V2}/groups/${projectId}/apiKeys?includeCount=true&pageNum=1&itemsPerPage=100`, rel: 'self' }]);
  });

  test('POST /groups/{id}/apiKeys creates an organization key with ORG_MEMBER plus the project roles', async () => {
    const res = await call(t.app, { method: 'POST', url: `${V2}/groups/${projectId}/apiKeys`, body: { desc: 'project made', roles: ['GROUP_CLUSTER_MANAGER'] } });
    assert.equal(res.statusCode, 200);
    const k = json(res);
    assert.deepEqual(Object.keys(k), KEY_FIELDS);
    assert.match(k.privateKey, UUID_V4);
    assert.deepEqual(k.links, [{ href: keyHref(k.id), rel: 'self' }]);
    assert.deepEqual(k.roles, [
      { orgId: t.orgId, roleName: 'ORG_MEMBER' },
      { groupId: projectId, roleName: 'GROUP_CLUSTER_MANAGER' },
    ]);
    const listed = json(await call(t.app, { method: 'GET', url: `${V2}/groups/${projectId}/apiKeys` }));
    assert.deepEqual(listed.results.map((x: { id: string }) => x.id), [created.id, k.id]);
    const inOrg = json(await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys/${k.id}` }));
    assert.equal(inOrg.privateKey, mask(k.privateKey));
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/groups/${projectId}` }, k)).statusCode, 200);
  });

  test('project role validation: INVALID_ROLE_FOR_GROUP and MISSING_API_KEY_ROLES', async () => {
    const assignUrl = `${V2}/groups/${projectId}/apiKeys/${created.id}`;
    for (const [method, url, body] of [
      ['POST', assignUrl, [{ roles: ['ORG_OWNER'] }]],
      ['PATCH', assignUrl, { roles: ['GROUP_READ_ONLY', 'ORG_OWNER'] }],
      ['POST', `${V2}/groups/${projectId}/apiKeys`, { desc: 'x', roles: ['ORG_OWNER'] }],
    ] as const) {
      assertError(await call(t.app, { method, url, body }), 400, 'INVALID_ROLE_FOR_GROUP', `Role ORG_OWNER is invalid for group ${projectId}.`, ['ORG_OWNER', projectId]);
    }
    assertError(
      await call(t.app, { method: 'POST', url: assignUrl, body: [{ roles: ['GROUP_NETWORK_ACCESS_MANAGER'] }] }),
      400,
      'INVALID_ROLE_FOR_GROUP',
      `Role GROUP_NETWORK_ACCESS_MANAGER is invalid for group ${projectId}.`,
      ['GROUP_NETWORK_ACCESS_MANAGER', projectId],
    );
    for (const [method, url, body] of [
      ['POST', assignUrl, [{ roles: [] }]],
      ['PATCH', assignUrl, { roles: [] }],
      ['POST', `${V2}/groups/${projectId}/apiKeys`, { desc: 'x', roles: [] }],
    ] as const) {
      assertError(await call(t.app, { method, url, body }), 400, 'MISSING_API_KEY_ROLES', 'API keys must have at least one role.');
    }
    // the failed calls left the grants as they were
    const k = json(await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys/${created.id}` }));
    assert.deepEqual(
      k.roles.filter((r: { groupId?: string }) => r.groupId === projectId).map((r: { roleName: string }) => r.roleName),
      ['GROUP_OWNER', 'GROUP_DATA_ACCESS_READ_ONLY'],
    );
  });

  test('assigning an unknown key is 404 API_KEY_NOT_FOUND', async () => {
    const id = 'abababababababababababab';
    assertError(
      await call(t.app, { method: 'POST', url: `${V2}/groups/${projectId}/apiKeys/${id}`, body: [{ roles: ['GROUP_READ_ONLY'] }] }),
      404,
      'API_KEY_NOT_FOUND',
      `No API key with ID ${id} exists.`,
      [id],
    );
  });

  test('DELETE /groups/{id}/apiKeys/{keyId} unassigns: 204; the key loses the project; a second unassign is 404', async () => {
    const res = await call(t.app, { method: 'DELETE', url: `${V2}/groups/${projectId}/apiKeys/${created.id}` });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    const listed = json(await call(t.app, { method: 'GET', url: `${V2}/groups/${projectId}/apiKeys` }));
    assert.ok(!listed.results.some((x: { id: string }) => x.id === created.id));
    assertError(
      await call(t.app, { method: 'GET', url: `${V2}/groups/${projectId}` }, created),
      401,
      'USER_UNAUTHORIZED',
      'Current user is not authorized to perform this action.',
    );
    assertError(
      await call(t.app, { method: 'DELETE', url: `${V1}/groups/${projectId}/apiKeys/${created.id}` }),
      404,
      'API_KEY_NOT_FOUND',
      `No API key with ID ${created.id} exists.`,
      [created.id],
    );
    // still an organization key
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys/${created.id}` })).statusCode, 200);
  });

  test('DELETE /orgs/{orgId}/apiKeys/{id}: 204; then 404 API_KEY_NOT_FOUND everywhere and the key cannot authenticate', async () => {
    const other = await createProject(t.app, t.orgId, 'keys-third');
    await call(t.app, { method: 'POST', url: `${V2}/groups/${other}/apiKeys/${created.id}`, body: [{ roles: ['GROUP_OWNER'] }] });
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/orgs`, remoteAddress: '10.0.0.1' }, created)).statusCode, 200);

    const res = await call(t.app, { method: 'DELETE', url: `${V2}/orgs/${t.orgId}/apiKeys/${created.id}` });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    for (const [method, url, body] of [
      ['GET', `${V2}/orgs/${t.orgId}/apiKeys/${created.id}`, undefined],
      ['PATCH', `${V1}/orgs/${t.orgId}/apiKeys/${created.id}`, { desc: 'x' }],
      ['DELETE', `${V2}/orgs/${t.orgId}/apiKeys/${created.id}`, undefined],
    ] as const) {
      assertError(await call(t.app, { method, url, body }), 404, 'API_KEY_NOT_FOUND', `No API key with ID ${created.id} exists.`, [created.id]);
    }
    const projectKeys = json(await call(t.app, { method: 'GET', url: `${V2}/groups/${other}/apiKeys` }));
    assert.deepEqual(projectKeys.results, []);
    assertChallenge(await digest(t.app, { method: 'GET', url: `${V2}/orgs`, headers: { accept: 'application/vnd.atlas.2023-01-01+json' }, ...as(created) }));
    assertChallenge(await digest(t.app, { method: 'GET', url: `${V1}/groups/${other}`, ...as(created) }));
  });

  test('a key cannot be reached through another organization\'s path or a missing id', async () => {
    const id = 'cdcdcdcdcdcdcdcdcdcdcdcd';
    assertError(await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys/${id}` }), 404, 'API_KEY_NOT_FOUND', `No API key with ID ${id} exists.`, [id]);
  });
});
