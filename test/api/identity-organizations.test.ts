import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { digest, startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { assertError, BASE, call, createOrgKey, createProject, json, secondOrg, V1, V2, V2_TYPE } from './auth-helpers.ts';

describe('organizations', () => {
  let t: TestLinkplane;
  let other: Awaited<ReturnType<typeof secondOrg>>;

  before(async () => {
    t = await startTestLinkplane();
    other = await secondOrg(t.lp, t.clock.ms, 'second org');
  });
  after(() => t.close());

  test('GET /orgs lists only the caller\'s organization, list items with only a self link', async () => {
    for (const prefix of [V1, V2]) {
      const res = await call(t.app, { method: 'GET', url: `${prefix}/orgs` });
      assert.equal(res.statusCode, 200);
      assert.equal(
        res.body,
        JSON.stringify({
          links: [{ href: `${BASE}${prefix}/orgs?includeCount=true&pageNum=1&itemsPerPage=100`, rel: 'self' }],
          results: [
            { id: t.orgId, isDeleted: false, links: [{ href: `${BASE}${prefix}/orgs/${t.orgId}`, rel: 'self' }], name: 'linkplane', skipDefaultAlertsSettings: false },
          ],
          totalCount: 1,
        }),
      );
    }
    const theirs = json(await call(t.app, { method: 'GET', url: `${V2}/orgs` }, other.key));
    assert.deepEqual(theirs.results.map((o: { id: string; name: string }) => [o.id, o.name]), [[other.orgId, 'second org']]);
    assert.equal(theirs.totalCount, 1);
  });

  test('every role of the organization sees it in GET /orgs', async () => {
    for (const roles of [['ORG_MEMBER'], ['ORG_READ_ONLY'], ['ORG_GROUP_CREATOR'], ['ORG_BILLING_READ_ONLY']]) {
      const key = await createOrgKey(t.app, t.orgId, roles);
      const res = json(await call(t.app, { method: 'GET', url: `${V2}/orgs` }, key));
      assert.deepEqual(res.results.map((o: { id: string }) => o.id), [t.orgId], roles.join());
    }
  });

  test('GET /orgs/{orgId}: id, isDeleted, links (self + groups, teams, users), name, skipDefaultAlertsSettings', async () => {
    const res = await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], V2_TYPE);
    const org = `${BASE}${V2}/orgs/${t.orgId}`;
    assert.deepEqual(Object.keys(json(res)), ['id', 'isDeleted', 'links', 'name', 'skipDefaultAlertsSettings']);
    assert.equal(
      res.body,
      JSON.stringify({
        id: t.orgId,
        isDeleted: false,
        links: [
          { href: org, rel: 'self' },
          { href: `${org}/groups`, rel: 'https://cloud.mongodb.com/groups' },
          { href: `${org}/teams`, rel: 'https://cloud.mongodb.com/teams' },
          { href: `${org}/users`, rel: 'https://cloud.mongodb.com/users' },
        ],
        name: 'linkplane',
        skipDefaultAlertsSettings: false,
      }),
    );
    const v1 = await digest(t.app, { method: 'GET', url: `${V1}/orgs/${t.orgId}` });
    assert.equal(v1.body, res.body.replaceAll(`${V2}/`, `${V1}/`));
  });

  test('a missing organization and another organization are the same 404 ORG_NOT_FOUND', async () => {
    for (const id of ['ffffffffffffffffffffffff', other.orgId]) {
      for (const prefix of [V1, V2]) {
        assertError(await call(t.app, { method: 'GET', url: `${prefix}/orgs/${id}` }), 404, 'ORG_NOT_FOUND', `No organization with ID ${id} exists.`, [id]);
      }
    }
  });

  test('GET /orgs/{orgId}/groups lists the organization\'s projects', async () => {
    const a = await createProject(t.app, t.orgId, 'org-listed-a');
    const b = await createProject(t.app, t.orgId, 'org-listed-b');
    const res = await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/groups` });
    assert.equal(res.statusCode, 200);
    const body = json(res);
    assert.deepEqual(body.results.map((p: { id: string }) => p.id), [a, b]);
    assert.deepEqual(body.results[0].links, [{ href: `${BASE}${V2}/groups/${a}`, rel: 'self' }]);
    assert.equal(body.totalCount, 2);
    const theirs = json(await call(t.app, { method: 'GET', url: `${V2}/orgs/${other.orgId}/groups` }, other.key));
    assert.deepEqual(theirs.results.map((p: { id: string }) => p.id), [other.projectId]);
  });

  test('organizations cannot be created, changed or deleted through the API', async () => {
    for (const [method, url] of [
      ['POST', `${V2}/orgs`],
      ['PATCH', `${V2}/orgs/${t.orgId}`],
      ['DELETE', `${V2}/orgs/${t.orgId}`],
    ] as const) {
      const res = await call(t.app, { method, url, body: { name: 'new org' } });
      assertError(res, 404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${url}.`, [url]);
    }
    assert.equal(await t.lp.store.countOrganizations(), 2);
  });
});
