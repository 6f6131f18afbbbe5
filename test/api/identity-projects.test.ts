import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { digest, startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { assertError, BASE, call, json, secondOrg, V1, V2, V2_TYPE } from './auth-helpers.ts';

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const RELS = ['containers', 'clusters', 'databaseUsers', 'peers', 'processes', 'whitelist'];

describe('projects (groups)', () => {
  let t: TestLinkplane;
  let other: Awaited<ReturnType<typeof secondOrg>>;

  const fullLinks = (prefix: string, id: string) => [
    { href: `${BASE}${prefix}/groups/${id}`, rel: 'self' },
    ...RELS.map((r) => ({ href: `${BASE}${prefix}/groups/${id}/${r}`, rel: `https://cloud.mongodb.com/${r}` })),
  ];

  before(async () => {
    t = await startTestLinkplane();
    other = await secondOrg(t.lp, t.clock.ms);
  });
  after(() => t.close());

  test('POST /groups: 201 with clusterCount, created, id, links, name, orgId, tags, withDefaultAlertsSettings', async () => {
    t.clock.advance(2_500);
    const res = await call(t.app, { method: 'POST', url: `${V2}/groups`, body: { name: 'alpha', orgId: t.orgId } });
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers['content-type'], V2_TYPE);
    const p = json(res);
    assert.deepEqual(Object.keys(p), ['clusterCount', 'created', 'id', 'links', 'name', 'orgId', 'tags', 'withDefaultAlertsSettings']);
    assert.match(p.id, /^[a-f0-9]{24}$/);
    assert.equal(parseInt(p.id.slice(0, 8), 16), Math.floor(t.clock.ms / 1000), 'the ObjectId carries the creation time');
    assert.equal(
      res.body,
      JSON.stringify({
        clusterCount: 0,
        created: iso(t.clock.ms),
        id: p.id,
        links: fullLinks(V2, p.id),
        name: 'alpha',
        orgId: t.orgId,
        tags: [],
        withDefaultAlertsSettings: true,
      }),
    );
  });

  test('POST /groups keeps tags and withDefaultAlertsSettings, on v1.0 too', async () => {
    const res = await digest(t.app, {
      method: 'POST',
      url: `${V1}/groups`,
      body: { name: 'tagged', orgId: t.orgId, tags: [{ key: 'env', value: 'e2e' }], withDefaultAlertsSettings: false },
    });
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers['content-type'], 'application/json');
    const p = json(res);
    assert.deepEqual(p.tags, [{ key: 'env', value: 'e2e' }]);
    assert.equal(p.withDefaultAlertsSettings, false);
    assert.deepEqual(p.links, fullLinks(V1, p.id));
  });

  test('GET /groups/{id} and GET /groups/byName/{name} return the created body', async () => {
    const created = await call(t.app, { method: 'POST', url: `${V2}/groups`, body: { name: 'beta', orgId: t.orgId } });
    const id = json(created).id;
    const byId = await call(t.app, { method: 'GET', url: `${V2}/groups/${id}` });
    assert.equal(byId.statusCode, 200);
    assert.equal(byId.body, created.body);
    const byName = await call(t.app, { method: 'GET', url: `${V2}/groups/byName/beta` });
    assert.equal(byName.statusCode, 200);
    assert.equal(byName.body, created.body);
  });

  test('GET /groups lists projects in creation order, items carrying only the self link', async () => {
    const res = await call(t.app, { method: 'GET', url: `${V2}/groups` });
    assert.equal(res.statusCode, 200);
    const body = json(res);
    assert.deepEqual(Object.keys(body), ['links', 'results', 'totalCount']);
    assert.deepEqual(body.results.map((p: { name: string }) => p.name), ['alpha', 'tagged', 'beta']);
    assert.equal(body.totalCount, 3);
    for (const p of body.results) {
      assert.deepEqual(Object.keys(p), ['clusterCount', 'created', 'id', 'links', 'name', 'orgId', 'tags', 'withDefaultAlertsSettings']);
      assert.deepEqual(p.links, [{ href: `${BASE}${V2}/groups/${p.id}`, rel: 'self' }]);
      assert.equal(p.orgId, t.orgId);
    }
  });

  test('a duplicate name in the organization is 409 GROUP_ALREADY_EXISTS; the same name in another organization is fine', async () => {
    assertError(
      await call(t.app, { method: 'POST', url: `${V2}/groups`, body: { name: 'alpha', orgId: t.orgId } }),
      409,
      'GROUP_ALREADY_EXISTS',
      'A group with name "alpha" already exists.',
      ['alpha'],
    );
    const taken = await call(t.app, { method: 'POST', url: `${V2}/groups`, body: { name: 'other-project', orgId: t.orgId } });
    assert.equal(taken.statusCode, 201, 'other-project exists only in the other organization');
  });

  test('invalid names are 400 INVALID_GROUP_NAME', async () => {
    for (const name of ['', 'has space', 'x'.repeat(65), 'semi;colon', 'slash/name']) {
      assertError(
        await call(t.app, { method: 'POST', url: `${V2}/groups`, body: { name, orgId: t.orgId } }),
        400,
        'INVALID_GROUP_NAME',
        `Group name "${name}" is invalid.`,
        [name],
      );
    }
  });

  test('projectOwnerId must be an ObjectId', async () => {
    assertError(
      await call(t.app, { method: 'POST', url: `${V2}/groups?projectOwnerId=nope`, body: { name: 'owned', orgId: t.orgId } }),
      400,
      'INVALID_QUERY_PARAMETER',
      'Invalid query parameter projectOwnerId specified.',
      ['projectOwnerId'],
    );
    const ok = await call(t.app, { method: 'POST', url: `${V2}/groups?projectOwnerId=aaaaaaaaaaaaaaaaaaaaaaaa`, body: { name: 'owned', orgId: t.orgId } });
    assert.equal(ok.statusCode, 201);
  });

  test('PATCH /groups/{id} renames and retags: 200 with the updated project', async () => {
    const id = json(await call(t.app, { method: 'GET', url: `${V2}/groups/byName/beta` })).id;
    const res = await call(t.app, {
      method: 'PATCH',
      url: `${V2}/groups/${id}`,
      body: { name: 'beta-renamed', tags: [{ key: 'team', value: 'net' }], withDefaultAlertsSettings: false },
    });
    assert.equal(res.statusCode, 200);
    const p = json(res);
    assert.equal(p.name, 'beta-renamed');
    assert.deepEqual(p.tags, [{ key: 'team', value: 'net' }]);
    assert.equal(p.withDefaultAlertsSettings, false);
    assert.deepEqual(p.links, fullLinks(V2, id));
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/groups/${id}` })).body, res.body);
    assertError(
      await call(t.app, { method: 'GET', url: `${V2}/groups/byName/beta` }),
      401,
      'NOT_IN_GROUP',
      'The current user is not in the group, or the group does not exist.',
      [],
    );
    const partial = json(await call(t.app, { method: 'PATCH', url: `${V1}/groups/${id}`, body: { tags: [] } }));
    assert.equal(partial.name, 'beta-renamed');
    assert.deepEqual(partial.tags, []);
    assert.equal(partial.withDefaultAlertsSettings, false);
  });

  test('renaming onto a taken name is 409 GROUP_ALREADY_EXISTS; a bad name is 400', async () => {
    const id = json(await call(t.app, { method: 'GET', url: `${V2}/groups/byName/beta-renamed` })).id;
    assertError(
      await call(t.app, { method: 'PATCH', url: `${V2}/groups/${id}`, body: { name: 'alpha' } }),
      409,
      'GROUP_ALREADY_EXISTS',
      'A group with name "alpha" already exists.',
      ['alpha'],
    );
    assertError(await call(t.app, { method: 'PATCH', url: `${V2}/groups/${id}`, body: { name: 'a b' } }), 400, 'INVALID_GROUP_NAME', 'Group name "a b" is invalid.', ['a b']);
    assert.equal(json(await call(t.app, { method: 'GET', url: `${V2}/groups/${id}` })).name, 'beta-renamed');
  });

  test('DELETE /groups/{id}: 202 with {}; afterwards 404 GROUP_NOT_FOUND and the name is free again', async () => {
    const id = json(await call(t.app, { method: 'POST', url: `${V2}/groups`, body: { name: 'doomed', orgId: t.orgId } })).id;
    const res = await call(t.app, { method: 'DELETE', url: `${V2}/groups/${id}` });
    assert.equal(res.statusCode, 202);
    assert.equal(res.body, '{}');
    assert.equal(res.headers['content-type'], V2_TYPE);
    for (const [method, url] of [
      ['GET', `${V2}/groups/${id}`],
      ['DELETE', `${V2}/groups/${id}`],
      ['PATCH', `${V1}/groups/${id}`],
      ['GET', `${V2}/groups/${id}/clusters`],
    ] as const) {
      assertError(await call(t.app, { method, url, body: method === 'PATCH' ? { tags: [] } : undefined }), 404, 'GROUP_NOT_FOUND', `No group with ID ${id} exists.`, [id]);
    }
    assertError(await call(t.app, { method: 'GET', url: `${V2}/groups/byName/doomed` }), 401, 'NOT_IN_GROUP', 'The current user is not in the group, or the group does not exist.', []);
    assert.equal((await call(t.app, { method: 'POST', url: `${V2}/groups`, body: { name: 'doomed', orgId: t.orgId } })).statusCode, 201);
  });

  test('DELETE on v1.0 is also 202 {}', async () => {
    const id = json(await digest(t.app, { method: 'POST', url: `${V1}/groups`, body: { name: 'doomed-v1', orgId: t.orgId } })).id;
    const res = await digest(t.app, { method: 'DELETE', url: `${V1}/groups/${id}` });
    assert.equal(res.statusCode, 202);
    assert.equal(res.body, '{}');
    assert.equal(res.headers['content-type'], 'application/json');
  });

  test('GET /groups/{id}/clusters is an empty paginated list', async () => {
    const id = json(await call(t.app, { method: 'GET', url: `${V2}/groups/byName/alpha` })).id;
    for (const prefix of [V1, V2]) {
      const res = await call(t.app, { method: 'GET', url: `${prefix}/groups/${id}/clusters` });
      assert.equal(res.statusCode, 200);
      assert.equal(
        res.body,
        JSON.stringify({
          links: [{ href: `${BASE}${prefix}/groups/${id}/clusters?includeCount=true&pageNum=1&itemsPerPage=100`, rel: 'self' }],
          results: [],
          totalCount: 0,
        }),
      );
    }
    const noCount = await call(t.app, { method: 'GET', url: `${V2}/groups/${id}/clusters?includeCount=false` });
    assert.equal(
      noCount.body,
      JSON.stringify({
        links: [{ href: `${BASE}${V2}/groups/${id}/clusters?includeCount=false&pageNum=1&itemsPerPage=100`, rel: 'self' }],
        results: [],
      }),
    );
  });

  test('byName for a name that exists only in another organization is 401 NOT_IN_GROUP', async () => {
    const res = await call(t.app, { method: 'GET', url: `${V2}/groups/byName/other-project` }, other.key);
    assert.equal(json(res).id, other.projectId);
    const mine = json(await call(t.app, { method: 'GET', url: `${V2}/groups/byName/other-project` }));
    assert.notEqual(mine.id, other.projectId);
    assert.equal(mine.orgId, t.orgId);
    assertError(await call(t.app, { method: 'GET', url: `${V2}/groups/byName/nowhere` }), 401, 'NOT_IN_GROUP', 'The current user is not in the group, or the group does not exist.', []);
  });
});
