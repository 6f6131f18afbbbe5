import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { assertError, BASE, call, createOrgKey, createProject, grant, json, V1, V2 } from './auth-helpers.ts';

interface Link {
  href: string;
  rel: string;
}

/** The links Atlas puts on page `pageNum` of `total` items. */
function expectedLinks(path: string, pageNum: number, itemsPerPage: number, total: number, includeCount = true): Link[] {
  const ic = `includeCount=${includeCount}`;
  const links: Link[] = [];
  if (pageNum > 1) links.push({ href: `${BASE}${path}?${ic}&itemsPerPage=${itemsPerPage}&pageNum=${pageNum - 1}`, rel: 'previous' });
  links.push({ href: `${BASE}${path}?${ic}&pageNum=${pageNum}&itemsPerPage=${itemsPerPage}`, rel: 'self' });
  if (pageNum * itemsPerPage < total) links.push({ href: `${BASE}${path}?${ic}&itemsPerPage=${itemsPerPage}&pageNum=${pageNum + 1}`, rel: 'next' });
  return links;
}

describe('pagination of every list', () => {
  let t: TestLinkplane;
  let projects: string[];
  let keyIds: string[];
  let listedKey: string;
  let cidrs: string[];

  before(async () => {
    t = await startTestLinkplane();
    projects = [];
    for (let i = 0; i < 5; i++) projects.push(await createProject(t.app, t.orgId, `page-${i}`));
    const boot = json(await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys` })).results[0].id as string;
    keyIds = [boot];
    for (let i = 0; i < 4; i++) keyIds.push((await createOrgKey(t.app, t.orgId, ['ORG_MEMBER'], `page key ${i}`)).id);
    for (const id of keyIds.slice(1)) await grant(t.app, projects[0], id, ['GROUP_READ_ONLY']);
    listedKey = keyIds[1];
    cidrs = ['10.0.0.0/8', '10.1.0.0/16', '10.2.0.0/16'];
    const add = await call(t.app, {
      method: 'POST',
      url: `${V2}/orgs/${t.orgId}/apiKeys/${listedKey}/accessList`,
      body: cidrs.map((cidrBlock) => ({ cidrBlock })),
    });
    assert.equal(add.statusCode, 200, add.body);
  });
  after(() => t.close());

  /** Lists, and the ids they hold in order (key of each item that identifies it). */
  const lists = (): { name: string; path: string; ids: string[]; idOf: (item: any) => string }[] => [
    { name: 'GET /groups', path: '/groups', ids: projects, idOf: (p) => p.id },
    { name: 'GET /orgs/{orgId}/groups', path: `/orgs/${t.orgId}/groups`, ids: projects, idOf: (p) => p.id },
    { name: 'GET /orgs', path: '/orgs', ids: [t.orgId], idOf: (o) => o.id },
    { name: 'GET /orgs/{orgId}/apiKeys', path: `/orgs/${t.orgId}/apiKeys`, ids: keyIds, idOf: (k) => k.id },
    { name: 'GET /groups/{groupId}/apiKeys', path: `/groups/${projects[0]}/apiKeys`, ids: keyIds.slice(1), idOf: (k) => k.id },
    { name: 'GET …/accessList', path: `/orgs/${t.orgId}/apiKeys/${listedKey}/accessList`, ids: cidrs, idOf: (e) => e.cidrBlock },
    { name: 'GET /groups/{groupId}/clusters', path: `/groups/${projects[0]}/clusters`, ids: [], idOf: (c) => c.id },
  ];

  test('default page: pageNum 1, itemsPerPage 100, totalCount, only a self link', async () => {
    for (const l of lists()) {
      for (const prefix of [V1, V2]) {
        const res = await call(t.app, { method: 'GET', url: `${prefix}${l.path}` });
        assert.equal(res.statusCode, 200, `${l.name}: ${res.body}`);
        const body = json(res);
        assert.deepEqual(Object.keys(body), ['links', 'results', 'totalCount'], l.name);
        assert.deepEqual(body.links, [{ href: `${BASE}${prefix}${l.path}?includeCount=true&pageNum=1&itemsPerPage=100`, rel: 'self' }], l.name);
        assert.deepEqual(body.results.map(l.idOf), l.ids, l.name);
        assert.equal(body.totalCount, l.ids.length, l.name);
      }
    }
  });

  test('walking pages of 1 and 2 items: next only while more exist, previous only after page 1, nothing lost or repeated', async () => {
    for (const l of lists()) {
      for (const itemsPerPage of [1, 2]) {
        const seen: string[] = [];
        const pages = Math.max(1, Math.ceil(l.ids.length / itemsPerPage));
        for (let pageNum = 1; pageNum <= pages; pageNum++) {
          const res = await call(t.app, { method: 'GET', url: `${V2}${l.path}?itemsPerPage=${itemsPerPage}&pageNum=${pageNum}` });
          assert.equal(res.statusCode, 200, `${l.name}: ${res.body}`);
          const body = json(res);
          assert.deepEqual(body.links, expectedLinks(`${V2}${l.path}`, pageNum, itemsPerPage, l.ids.length), `${l.name} p${pageNum}`);
          assert.equal(body.totalCount, l.ids.length, l.name);
          assert.ok(body.results.length <= itemsPerPage);
          seen.push(...body.results.map(l.idOf));
        }
        assert.deepEqual(seen, l.ids, `${l.name} by ${itemsPerPage}`);
      }
    }
  });

  test('a page past the end is empty, with previous and self but no next', async () => {
    for (const l of lists()) {
      const res = await call(t.app, { method: 'GET', url: `${V2}${l.path}?pageNum=9&itemsPerPage=2` });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(json(res), {
        links: expectedLinks(`${V2}${l.path}`, 9, 2, l.ids.length),
        results: [],
        totalCount: l.ids.length,
      });
    }
  });

  test('includeCount=false omits totalCount (and says so in the links)', async () => {
    for (const l of lists()) {
      for (const prefix of [V1, V2]) {
        const res = await call(t.app, { method: 'GET', url: `${prefix}${l.path}?includeCount=false&itemsPerPage=2&pageNum=1` });
        assert.equal(res.statusCode, 200);
        const body = json(res);
        assert.deepEqual(Object.keys(body), ['links', 'results'], l.name);
        assert.deepEqual(body.links, expectedLinks(`${prefix}${l.path}`, 1, 2, l.ids.length, false), l.name);
        assert.deepEqual(body.results.map(l.idOf), l.ids.slice(0, 2), l.name);
      }
    }
  });

  test('includeCount=true is the default and includeCount=FALSE is accepted case-insensitively', async () => {
    const res = await call(t.app, { method: 'GET', url: `${V2}/groups/${projects[0]}/clusters?includeCount=FALSE` });
    assert.deepEqual(Object.keys(json(res)), ['links', 'results']);
    const explicit = await call(t.app, { method: 'GET', url: `${V2}/groups/${projects[0]}/clusters?includeCount=true` });
    assert.equal(json(explicit).totalCount, 0);
  });

  test('itemsPerPage accepts 1..500; 0, 501 and non-numbers are 400 INVALID_QUERY_PARAMETER', async () => {
    for (const l of lists()) {
      for (const ok of ['1', '500']) {
        const res = await call(t.app, { method: 'GET', url: `${V2}${l.path}?itemsPerPage=${ok}` });
        assert.equal(res.statusCode, 200, `${l.name} itemsPerPage=${ok}`);
        assert.deepEqual(json(res).links.find((x: Link) => x.rel === 'self'), {
          href: `${BASE}${V2}${l.path}?includeCount=true&pageNum=1&itemsPerPage=${ok}`,
          rel: 'self',
        });
      }
      for (const bad of ['0', '501', '-1', 'ten', '2.5', '1e2']) {
        const res = await call(t.app, { method: 'GET', url: `${V2}${l.path}?itemsPerPage=${bad}` });
        assertError(res, 400, 'INVALID_QUERY_PARAMETER', 'Invalid query parameter itemsPerPage specified.', ['itemsPerPage']);
      }
      for (const bad of ['0', '-3', 'first']) {
        const res = await call(t.app, { method: 'GET', url: `${V1}${l.path}?pageNum=${bad}` });
        assertError(res, 400, 'INVALID_QUERY_PARAMETER', 'Invalid query parameter pageNum specified.', ['pageNum']);
      }
    }
  });

  test('a list under a project the caller cannot see is not served', async () => {
    const res = await call(t.app, { method: 'GET', url: `${V2}/groups/cccccccccccccccccccccccc/clusters` });
    assertError(res, 404, 'GROUP_NOT_FOUND', 'No group with ID cccccccccccccccccccccccc exists.', ['cccccccccccccccccccccccc']);
  });
});
