import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { digest, startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { assertChallenge, assertError, BASE, json, V1, V2, V2_TYPE } from './auth-helpers.ts';

const NOT_ACCEPTABLE = '{"detail":"Invalid accept header or version date.","error":406,"errorCode":"INVALID_VERSION_DATE","parameters":[],"reason":"Not Acceptable"}';

describe('media types and version negotiation on both API trees', () => {
  let t: TestLinkplane;
  let orgsBody: (prefix: string) => string;

  before(async () => {
    t = await startTestLinkplane();
    orgsBody = (prefix) =>
      JSON.stringify({
        links: [{ href: `${BASE}${prefix}/orgs?includeCount=true&pageNum=1&itemsPerPage=100`, rel: 'self' }],
        results: [
          {
            id: t.orgId,
            isDeleted: false,
            links: [{ href: `${BASE}${prefix}/orgs/${t.orgId}`, rel: 'self' }],
            name: 'linkplane',
            skipDefaultAlertsSettings: false,
          },
        ],
        totalCount: 1,
      });
  });
  after(() => t.close());

  test('v2 with Accept application/vnd.atlas.2023-01-01+json answers 200 with the versioned Content-Type', async () => {
    const res = await digest(t.app, { method: 'GET', url: `${V2}/orgs`, headers: { accept: 'application/vnd.atlas.2023-01-01+json' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], V2_TYPE);
    assert.equal(res.body, orgsBody(V2));
  });

  test('v2 with a later version date (2025-03-12) is served as 2023-01-01', async () => {
    const res = await digest(t.app, { method: 'GET', url: `${V2}/orgs`, headers: { accept: 'application/vnd.atlas.2025-03-12+json' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], V2_TYPE);
    assert.equal(res.body, orgsBody(V2));
  });

  test('v2 Accept listing several media ranges resolves to the versioned one', async () => {
    const res = await digest(t.app, {
      method: 'GET',
      url: `${V2}/orgs`,
      headers: { accept: 'application/json, application/vnd.atlas.2023-01-01+json;q=0.9' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], V2_TYPE);
  });

  test('v2 without Accept is 406 INVALID_VERSION_DATE', async () => {
    const res = await digest(t.app, { method: 'GET', url: `${V2}/orgs` });
    assert.equal(res.statusCode, 406);
    assert.equal(res.body, NOT_ACCEPTABLE);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['x-error-code'], 'INVALID_VERSION_DATE');
  });

  for (const accept of [
    'application/vnd.atlas.2022-12-31+json',
    'application/json',
    '*/*',
    'application/vnd.atlas.2023-1-01+json',
    'application/vnd.atlas.2023-02-30+json',
    'application/vnd.atlas.20230101+json',
    'application/vnd.atlas.2023-01-01',
    'application/vnd.atlas.2023-01-01+xml',
    'garbage',
    ',,,;;;',
  ]) {
    test(`v2 with Accept ${JSON.stringify(accept)} is 406 with the exact Atlas body`, async () => {
      const res = await digest(t.app, { method: 'GET', url: `${V2}/orgs`, headers: { accept } });
      assertError(res, 406, 'INVALID_VERSION_DATE', 'Invalid accept header or version date.');
      assert.equal(res.body, NOT_ACCEPTABLE);
    });
  }

  test('the version check also guards writes: nothing is created on a 406', async () => {
    const res = await digest(t.app, {
      method: 'POST',
      url: `${V2}/groups`,
      headers: { accept: 'application/vnd.atlas.2022-12-31+json' },
      body: { name: 'never-created', orgId: t.orgId },
    });
    assert.equal(res.body, NOT_ACCEPTABLE);
    const byName = await digest(t.app, { method: 'GET', url: `${V1}/groups/byName/never-created` });
    assertError(byName, 401, 'NOT_IN_GROUP', 'The current user is not in the group, or the group does not exist.', []);
  });

  test('an unauthenticated v2 request gets the digest challenge before any version check', async () => {
    assertChallenge(await t.app.inject({ method: 'GET', url: `${V2}/orgs` }));
    assertChallenge(await t.app.inject({ method: 'GET', url: `${V2}/orgs`, headers: { accept: 'application/vnd.atlas.2023-01-01+json' } }));
  });

  test('v1.0 answers application/json whatever the Accept header says', async () => {
    for (const accept of [undefined, 'application/json', 'application/vnd.atlas.2023-01-01+json', 'text/html']) {
      const res = await digest(t.app, { method: 'GET', url: `${V1}/orgs`, headers: accept ? { accept } : {} });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(res.body, orgsBody(V1));
    }
  });

  test('v1.0 errors are application/json with X-Error-Code', async () => {
    const res = await digest(t.app, { method: 'GET', url: `${V1}/groups/aaaaaaaaaaaaaaaaaaaaaaaa` });
    assertError(res, 404, 'GROUP_NOT_FOUND', 'No group with ID aaaaaaaaaaaaaaaaaaaaaaaa exists.', ['aaaaaaaaaaaaaaaaaaaaaaaa']);
  });

  test('v2 errors are application/json (not the versioned type) with X-Error-Code', async () => {
    const res = await digest(t.app, {
      method: 'GET',
      url: `${V2}/groups/aaaaaaaaaaaaaaaaaaaaaaaa`,
      headers: { accept: 'application/vnd.atlas.2023-01-01+json' },
    });
    assertError(res, 404, 'GROUP_NOT_FOUND', 'No group with ID aaaaaaaaaaaaaaaaaaaaaaaa exists.', ['aaaaaaaaaaaaaaaaaaaaaaaa']);
  });

  const bodyTypes = [
    'application/json',
    'application/json; charset=utf-8',
    'application/vnd.atlas.2023-01-01+json',
    'application/vnd.atlas.2023-01-01+json;charset=utf-8',
  ];
  for (const [tree, prefix] of [
    ['v1.0', V1],
    ['v2', V2],
  ] as const) {
    for (const [i, contentType] of bodyTypes.entries()) {
      test(`${tree} accepts a body declared as ${contentType}`, async () => {
        const name = `body-${tree}-${i}`;
        const res = await digest(t.app, {
          method: 'POST',
          url: `${prefix}/groups`,
          headers: { 'content-type': contentType, accept: 'application/vnd.atlas.2023-01-01+json' },
          body: { name, orgId: t.orgId },
        });
        assert.equal(res.statusCode, 201, res.body);
        assert.equal(res.headers['content-type'], prefix === V2 ? V2_TYPE : 'application/json');
        assert.equal(json(res).name, name);
        assert.equal(json(res).orgId, t.orgId);
      });
    }
  }

  test('the same resource is served by both trees, links pointing into the tree asked', async () => {
    const created = await digest(t.app, { method: 'POST', url: `${V1}/groups`, body: { name: 'both-trees', orgId: t.orgId } });
    assert.equal(created.statusCode, 201);
    const id = json(created).id as string;
    const one = await digest(t.app, { method: 'GET', url: `${V1}/groups/${id}` });
    const two = await digest(t.app, { method: 'GET', url: `${V2}/groups/${id}`, headers: { accept: 'application/vnd.atlas.2023-01-01+json' } });
    assert.equal(one.statusCode, 200);
    assert.equal(two.statusCode, 200);
    assert.equal(one.body, created.body);
    assert.equal(two.body, one.body.replaceAll(`${V1}/`, `${V2}/`));
  });
});
