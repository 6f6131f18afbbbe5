import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { digest, startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { BASE, call, createOrgKey, createProject, json, V1, V2, V2_TYPE } from './auth-helpers.ts';

const MISSING = 'aaaaaaaaaaaaaaaaaaaaaaaa';

describe('pretty=true and envelope=true', () => {
  let t: TestLinkplane;
  let projectId: string;

  before(async () => {
    t = await startTestLinkplane();
    projectId = await createProject(t.app, t.orgId, 'pretty-project');
  });
  after(() => t.close());

  test('pretty=true renders a single resource in Jackson style: "key" : value, 2-space indent, inline arrays', async () => {
    const res = await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}?pretty=true` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], V2_TYPE);
    const org = `${BASE}${V2}/orgs/${t.orgId}`;
    assert.equal(
      res.body,
      [
        '{',
        `  "id" : "${t.orgId}",`,
        '  "isDeleted" : false,',
        '  "links" : [ {',
        `    "href" : "${org}",`,
        '    "rel" : "self"',
        '  }, {',
        `    "href" : "${org}/groups",`,
        '    "rel" : "https://cloud.mongodb.com/groups"',
        '  }, {',
        `    "href" : "${org}/teams",`,
        '    "rel" : "https://cloud.mongodb.com/teams"',
        '  }, {',
        `    "href" : "${org}/users",`,
        '    "rel" : "https://cloud.mongodb.com/users"',
        '  } ],',
        '  "name" : "linkplane",',
        '  "skipDefaultAlertsSettings" : false',
        '}',
      ].join('\n'),
    );
  });

  test('pretty=true on a paginated list, with empty arrays as [ ]', async () => {
    const res = await digest(t.app, { method: 'GET', url: `${V1}/groups/${projectId}/clusters?pretty=true` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(
      res.body,
      [
        '{',
        '  "links" : [ {',
        `    "href" : "${BASE}${V1}/groups/${projectId}/clusters?includeCount=true&pageNum=1&itemsPerPage=100",`,
        '    "rel" : "self"',
        '  } ],',
        '  "results" : [ ],',
        '  "totalCount" : 0',
        '}',
      ].join('\n'),
    );
  });

  test('pretty=true on errors keeps the Atlas key order', async () => {
    const res = await call(t.app, { method: 'GET', url: `${V2}/groups/${MISSING}?pretty=true` });
    assert.equal(res.statusCode, 404);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['x-error-code'], 'GROUP_NOT_FOUND');
    assert.equal(
      res.body,
      [
        '{',
        `  "detail" : "No group with ID ${MISSING} exists.",`,
        '  "error" : 404,',
        '  "errorCode" : "GROUP_NOT_FOUND",',
        `  "parameters" : [ "${MISSING}" ],`,
        '  "reason" : "Not Found"',
        '}',
      ].join('\n'),
    );
  });

  test('pretty=true on a 202 with an empty body renders { }', async () => {
    const id = await createProject(t.app, t.orgId, 'pretty-delete');
    const res = await call(t.app, { method: 'DELETE', url: `${V2}/groups/${id}?pretty=true` });
    assert.equal(res.statusCode, 202);
    assert.equal(res.body, '{ }');
  });

  test('pretty is case-insensitive and pretty=false (or absent) is compact', async () => {
    const upper = await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}?pretty=TRUE` });
    assert.ok(upper.body.startsWith(`{\n  "id" : "${t.orgId}",\n`));
    const compact = await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}?pretty=false` });
    const plain = await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}` });
    assert.equal(compact.body, plain.body);
    assert.equal(compact.body, JSON.stringify(json(upper)));
  });

  test('envelope=true on a single resource: HTTP 200 with {"content": …, "status": 200}', async () => {
    const plain = await call(t.app, { method: 'GET', url: `${V2}/groups/${projectId}` });
    const res = await call(t.app, { method: 'GET', url: `${V2}/groups/${projectId}?envelope=true` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], V2_TYPE);
    assert.equal(res.body, `{"content":${plain.body},"status":200}`);
  });

  test('envelope=true on a create: HTTP 200 carrying status 201', async () => {
    const res = await call(t.app, { method: 'POST', url: `${V2}/groups?envelope=true`, body: { name: 'enveloped', orgId: t.orgId } });
    assert.equal(res.statusCode, 200);
    const body = json(res);
    assert.deepEqual(Object.keys(body), ['content', 'status']);
    assert.equal(body.status, 201);
    assert.equal(body.content.name, 'enveloped');
    const again = await call(t.app, { method: 'GET', url: `${V2}/groups/${body.content.id}` });
    assert.equal(JSON.stringify(body.content), again.body);
  });

  test('envelope=true on a 202 DELETE: {"content":{},"status":202}', async () => {
    const id = await createProject(t.app, t.orgId, 'enveloped-delete');
    const res = await call(t.app, { method: 'DELETE', url: `${V2}/groups/${id}?envelope=true` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '{"content":{},"status":202}');
  });

  test('envelope=true on a 204: HTTP 200 with {"status":204}', async () => {
    const key = await createOrgKey(t.app, t.orgId, ['ORG_MEMBER']);
    const res = await call(t.app, { method: 'DELETE', url: `${V2}/orgs/${t.orgId}/apiKeys/${key.id}?envelope=true` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '{"status":204}');
  });

  test('envelope=true on a paginated list adds status beside results', async () => {
    const res = await call(t.app, { method: 'GET', url: `${V2}/orgs?envelope=true` });
    assert.equal(res.statusCode, 200);
    const body = json(res);
    assert.deepEqual(Object.keys(body), ['links', 'results', 'status', 'totalCount']);
    assert.equal(body.status, 200);
    assert.equal(body.totalCount, 1);
    assert.deepEqual(body.links, [{ href: `${BASE}${V2}/orgs?includeCount=true&pageNum=1&itemsPerPage=100`, rel: 'self' }]);
    const noCount = json(await call(t.app, { method: 'GET', url: `${V2}/groups/${projectId}/clusters?envelope=true&includeCount=false` }));
    assert.deepEqual(noCount, {
      links: [{ href: `${BASE}${V2}/groups/${projectId}/clusters?includeCount=false&pageNum=1&itemsPerPage=100`, rel: 'self' }],
      results: [],
      status: 200,
    });
  });

  test('envelope=true on errors: HTTP 200 with the error as content, X-Error-Code still set', async () => {
    for (const prefix of [V1, V2]) {
      const res = await call(t.app, { method: 'GET', url: `${prefix}/groups/${MISSING}?envelope=true` });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(res.headers['x-error-code'], 'GROUP_NOT_FOUND');
      assert.equal(
        res.body,
        `{"content":{"detail":"No group with ID ${MISSING} exists.","error":404,"errorCode":"GROUP_NOT_FOUND","parameters":["${MISSING}"],"reason":"Not Found"},"status":404}`,
      );
    }
    const bad = await call(t.app, { method: 'POST', url: `${V2}/groups?envelope=true`, body: { name: 'x' } });
    assert.equal(bad.statusCode, 200);
    assert.equal(
      bad.body,
      '{"content":{"detail":"The required attribute orgId was not specified.","error":400,"errorCode":"MISSING_ATTRIBUTE","parameters":["orgId"],"reason":"Bad Request"},"status":400}',
    );
  });

  test('pretty=true and envelope=true together', async () => {
    const res = await call(t.app, { method: 'GET', url: `${V2}/groups/${MISSING}?envelope=true&pretty=true` });
    assert.equal(res.statusCode, 200);
    assert.equal(
      res.body,
      [
        '{',
        '  "content" : {',
        `    "detail" : "No group with ID ${MISSING} exists.",`,
        '    "error" : 404,',
        '    "errorCode" : "GROUP_NOT_FOUND",',
        `    "parameters" : [ "${MISSING}" ],`,
        '    "reason" : "Not Found"',
        '  },',
        '  "status" : 404',
        '}',
      ].join('\n'),
    );
    const list = await call(t.app, { method: 'GET', url: `${V2}/groups/${projectId}/clusters?envelope=true&pretty=true&includeCount=false` });
    assert.equal(
      list.body,
      [
        '{',
        '  "links" : [ {',
        `    "href" : "${BASE}${V2}/groups/${projectId}/clusters?includeCount=false&pageNum=1&itemsPerPage=100",`,
        '    "rel" : "self"',
        '  } ],',
        '  "results" : [ ],',
        '  "status" : 200',
        '}',
      ].join('\n'),
    );
  });

  test('the digest challenge is the same pretty body whatever pretty/envelope ask', async () => {
    for (const q of ['', '?pretty=false', '?envelope=true', '?pretty=true&envelope=true']) {
      const res = await t.app.inject({ method: 'GET', url: `${V2}/orgs${q}` });
      assert.equal(res.statusCode, 401);
      assert.equal(
        res.body,
        '{\n  "error" : 401,\n  "reason" : "Unauthorized",\n  "detail" : "You are not authorized for this resource.",\n  "errorCode" : "UNEXPECTED_ERROR"\n}',
      );
    }
  });
});
