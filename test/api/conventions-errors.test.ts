import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { digest, startTestLinkplane, V2_ACCEPT, type DigestRequest, type TestLinkplane } from '../support/harness.ts';
import { assertError, call, CHALLENGE_BODY, createOrgKey, createProject, json, V1, V2, type Key } from './auth-helpers.ts';

const ERROR_KEYS = ['detail', 'error', 'errorCode', 'parameters', 'reason'];
const BAD_ID = 'not-an-object-id';

describe('Atlas error conventions', () => {
  let t: TestLinkplane;
  let projectId: string;
  let key: Key;

  before(async () => {
    t = await startTestLinkplane();
    projectId = await createProject(t.app, t.orgId, 'errors-project');
    key = await createOrgKey(t.app, t.orgId, ['ORG_MEMBER'], 'errors key');
  });
  after(() => t.close());

  test('error bodies are compact JSON with keys detail, error, errorCode, parameters, reason in that order', async () => {
    const res = await call(t.app, { method: 'GET', url: `${V2}/groups/aaaaaaaaaaaaaaaaaaaaaaaa` });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(Object.keys(json(res)), ERROR_KEYS);
    assert.equal(
      res.body,
      '{"detail":"No group with ID aaaaaaaaaaaaaaaaaaaaaaaa exists.","error":404,"errorCode":"GROUP_NOT_FOUND","parameters":["aaaaaaaaaaaaaaaaaaaaaaaa"],"reason":"Not Found"}',
    );
    assert.equal(res.headers['x-error-code'], 'GROUP_NOT_FOUND');
    assert.equal(res.headers['content-type'], 'application/json');
  });

  for (const [tree, prefix] of [
    ['v1.0', V1],
    ['v2', V2],
  ] as const) {
    test(`${tree}: an unknown route, authenticated, is 404 RESOURCE_NOT_FOUND naming the path`, async () => {
      for (const [method, path] of [
        ['GET', `${prefix}/nothingHere`],
        ['GET', `${prefix}/groups/${projectId}/nothingHere`],
        ['PUT', `${prefix}/groups`],
        ['DELETE', `${prefix}/orgs`],
        ['POST', `${prefix}/orgs/${t.orgId}`],
      ] as const) {
        const res = await call(t.app, { method, url: `${path}?pretty=false` });
        assertError(res, 404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${path}.`, [path]);
      }
    });

    test(`${tree}: an unknown route without credentials gets the digest challenge, not a 404`, async () => {
      const res = await t.app.inject({ method: 'GET', url: `${prefix}/nothingHere` });
      assert.equal(res.statusCode, 401);
      assert.equal(res.body, CHALLENGE_BODY);
    });
  }

  test('an unknown path outside the API trees is also 404 RESOURCE_NOT_FOUND once authenticated', async () => {
    const res = await digest(t.app, { method: 'GET', url: '/nothing/here' });
    assertError(res, 404, 'RESOURCE_NOT_FOUND', 'Cannot find resource /nothing/here.', ['/nothing/here']);
  });

  test('v2: a malformed id in the path is 400 PATH_PARAM_PARSE_ERROR naming the URI', async () => {
    for (const path of [
      `${V2}/groups/${BAD_ID}`,
      `${V2}/groups/${BAD_ID}/apiKeys`,
      `${V2}/groups/${BAD_ID}/clusters`,
      `${V2}/orgs/${BAD_ID}`,
      `${V2}/orgs/${BAD_ID}/apiKeys`,
      `${V2}/orgs/${t.orgId}/apiKeys/${BAD_ID}`,
      `${V2}/orgs/${t.orgId}/apiKeys/${BAD_ID}/accessList`,
      `${V2}/groups/AAAAAAAAAAAAAAAAAAAAAAAA`,
      `${V2}/groups/aaaaaaaaaaaaaaaaaaaaaaa`,
    ]) {
      const res = await call(t.app, { method: 'GET', url: `${path}?itemsPerPage=5` });
      assertError(res, 400, 'PATH_PARAM_PARSE_ERROR', `One or more path parameter in the request URI ${path} is malformed.`, [path]);
    }
  });

  test('v1.0: a malformed id in the path is 400 PATH_PARAM_PARSE_ERROR as on v2', async () => {
    for (const [method, path] of [
      ['GET', `${V1}/groups/${BAD_ID}`],
      ['GET', `${V1}/groups/${BAD_ID}/apiKeys`],
      ['GET', `${V1}/groups/${BAD_ID}/clusters`],
      ['DELETE', `${V1}/groups/${BAD_ID}`],
      ['GET', `${V1}/orgs/${BAD_ID}`],
      ['GET', `${V1}/orgs/${BAD_ID}/apiKeys`],
    ] as const) {
      assertError(await digest(t.app, { method, url: path }), 400, 'PATH_PARAM_PARSE_ERROR', `One or more path parameter in the request URI ${path} is malformed.`, [path]);
    }
  });

  test('NUL characters (which PostgreSQL text cannot hold) are refused: 400 in the path, 400 INVALID_JSON in a body', async () => {
    const path = `${V2}/groups/byName/a%00b`;
    assertError(await call(t.app, { method: 'GET', url: path }), 400, 'PATH_PARAM_PARSE_ERROR', `One or more path parameter in the request URI ${path} is malformed.`, [path]);
    const ep = `${V2}/groups/${projectId}/privateEndpoint/GCP/endpointService/${'a'.repeat(24)}/endpoint/g%00`;
    assertError(await call(t.app, { method: 'GET', url: ep }), 400, 'PATH_PARAM_PARSE_ERROR', `One or more path parameter in the request URI ${ep} is malformed.`, [ep]);
    for (const payload of ['{"desc":"a\\u0000b","roles":["ORG_MEMBER"]}', '{"desc":"a\u0000b","roles":["ORG_MEMBER"]}']) {
      const res = await digest(t.app, { method: 'POST', url: `${V2}/orgs/${t.orgId}/apiKeys`, payload, headers: { accept: V2_ACCEPT } });
      assertError(res, 400, 'INVALID_JSON', 'Received JSON does not match expected format.', []);
    }
  });

  test('a path that cannot be percent-decoded is 400 PATH_PARAM_PARSE_ERROR in the Atlas error shape', async () => {
    for (const path of [`${V2}/groups/%zz`, `${V1}/groups/%E0%A4%A`, `${V2}/%`]) {
      const res = await call(t.app, { method: 'GET', url: path });
      assertError(res, 400, 'PATH_PARAM_PARSE_ERROR', `One or more path parameter in the request URI ${path} is malformed.`, [path]);
    }
  });

  test('an over-long path parameter is 400 PATH_PARAM_PARSE_ERROR', async () => {
    const path = `${V2}/groups/${'a'.repeat(3000)}`;
    const res = await call(t.app, { method: 'GET', url: path });
    assertError(res, 400, 'PATH_PARAM_PARSE_ERROR', `One or more path parameter in the request URI ${path} is malformed.`, [path]);
  });

  const invalidJson = 'Received JSON does not match expected format.';
  for (const [what, payload] of [
    ['truncated object', '{"name":'],
    ['bare word', 'hello'],
    ['trailing comma', '{"name":"x",}'],
    ['single quotes', "{'name':'x'}"],
  ] as const) {
    test(`malformed JSON (${what}) is 400 INVALID_JSON on both trees`, async () => {
      for (const prefix of [V1, V2]) {
        const res = await call(t.app, { method: 'POST', url: `${prefix}/groups`, payload });
        assertError(res, 400, 'INVALID_JSON', invalidJson);
        const patch = await call(t.app, { method: 'PATCH', url: `${prefix}/groups/${projectId}`, payload });
        assertError(patch, 400, 'INVALID_JSON', invalidJson);
      }
    });
  }

  test('a body of the wrong JSON type altogether is 400 INVALID_JSON', async () => {
    for (const [url, payload] of [
      [`${V2}/groups`, '[]'],
      [`${V2}/groups`, '"a string"'],
      [`${V2}/groups`, '42'],
      [`${V2}/orgs/${t.orgId}/apiKeys`, '[{"desc":"x","roles":["ORG_MEMBER"]}]'],
      [`${V2}/groups/${projectId}/apiKeys/${key.id}`, '{"roles":["GROUP_READ_ONLY"]}'],
      [`${V2}/orgs/${t.orgId}/apiKeys/${key.id}/accessList`, '{"ipAddress":"10.0.0.1"}'],
    ] as const) {
      assertError(await call(t.app, { method: 'POST', url, payload }), 400, 'INVALID_JSON', invalidJson);
    }
  });

  test('a missing body where one is required is 400 INVALID_JSON', async () => {
    assertError(await call(t.app, { method: 'POST', url: `${V2}/groups` }), 400, 'INVALID_JSON', invalidJson);
  });

  test('an unknown attribute is 400 INVALID_ATTRIBUTE naming it', async () => {
    const cases: [DigestRequest['method'], string, unknown, string][] = [
      ['POST', `${V2}/groups`, { name: 'x1', orgId: t.orgId, colour: 'blue' }, 'colour'],
      ['PATCH', `${V2}/groups/${projectId}`, { name: 'x2', clusterCount: 3 }, 'clusterCount'],
      ['POST', `${V1}/orgs/${t.orgId}/apiKeys`, { desc: 'd', roles: ['ORG_MEMBER'], publicKey: 'abc' }, 'publicKey'],
      ['PATCH', `${V2}/orgs/${t.orgId}/apiKeys/${key.id}`, { desc: 'd', privateKey: 'x' }, 'privateKey'],
      ['POST', `${V2}/groups/${projectId}/apiKeys/${key.id}`, [{ roles: ['GROUP_READ_ONLY'], userId: 'x' }], 'userId'],
      ['POST', `${V2}/orgs/${t.orgId}/apiKeys/${key.id}/accessList`, [{ ipAddress: '10.0.0.1', comment: 'x' }], 'comment'],
    ];
    for (const [method, url, body, attr] of cases) {
      assertError(await call(t.app, { method, url, body }), 400, 'INVALID_ATTRIBUTE', `Invalid attribute ${attr} specified.`, [attr]);
    }
  });

  test('a missing required attribute is 400 MISSING_ATTRIBUTE naming it', async () => {
    const cases: [string, unknown, string][] = [
      [`${V2}/groups`, { name: 'x3' }, 'orgId'],
      [`${V1}/groups`, { orgId: t.orgId }, 'name'],
      [`${V2}/orgs/${t.orgId}/apiKeys`, { roles: ['ORG_MEMBER'] }, 'desc'],
      [`${V2}/orgs/${t.orgId}/apiKeys`, { desc: 'd' }, 'roles'],
      [`${V2}/groups/${projectId}/apiKeys`, { desc: 'd' }, 'roles'],
      [`${V2}/groups/${projectId}/apiKeys/${key.id}`, [{}], 'roles'],
    ];
    for (const [url, body, attr] of cases) {
      assertError(
        await call(t.app, { method: 'POST', url, body }),
        400,
        'MISSING_ATTRIBUTE',
        `The required attribute ${attr} was not specified.`,
        [attr],
      );
    }
  });

  test('an attribute of the wrong type is 400 INVALID_JSON_ATTRIBUTE naming it', async () => {
    const cases: [DigestRequest['method'], string, unknown, string][] = [
      ['POST', `${V2}/groups`, { name: 5, orgId: t.orgId }, 'name'],
      ['POST', `${V2}/groups`, { name: 'x4', orgId: t.orgId, withDefaultAlertsSettings: 'yes' }, 'withDefaultAlertsSettings'],
      ['POST', `${V2}/groups`, { name: 'x5', orgId: t.orgId, tags: {} }, 'tags'],
      ['POST', `${V2}/groups`, { name: 'x6', orgId: t.orgId, tags: [{ key: 1, value: 'v' }] }, 'key'],
      ['POST', `${V2}/groups`, { name: 'x7', orgId: 'not-hex' }, 'orgId'],
      ['PATCH', `${V2}/groups/${projectId}`, { name: ['x'] }, 'name'],
      ['POST', `${V2}/orgs/${t.orgId}/apiKeys`, { desc: 'd', roles: 'ORG_MEMBER' }, 'roles'],
      ['POST', `${V2}/orgs/${t.orgId}/apiKeys`, { desc: 'd', roles: [7] }, 'roles'],
      ['POST', `${V2}/orgs/${t.orgId}/apiKeys`, { desc: null, roles: ['ORG_MEMBER'] }, 'desc'],
      ['PATCH', `${V2}/groups/${projectId}/apiKeys/${key.id}`, { roles: [true] }, 'roles'],
      ['POST', `${V2}/orgs/${t.orgId}/apiKeys/${key.id}/accessList`, [{ ipAddress: 10 }], 'ipAddress'],
    ];
    for (const [method, url, body, attr] of cases) {
      assertError(
        await call(t.app, { method, url, body }),
        400,
        'INVALID_JSON_ATTRIBUTE',
        `Received JSON for the ${attr} attribute does not match expected format.`,
        [attr],
      );
    }
  });

  test('invalid query parameters are 400 INVALID_QUERY_PARAMETER naming them', async () => {
    for (const [query, name] of [
      ['pretty=maybe', 'pretty'],
      ['envelope=1', 'envelope'],
      ['includeCount=yes', 'includeCount'],
      ['pageNum=0', 'pageNum'],
      ['pageNum=-1', 'pageNum'],
      ['pageNum=abc', 'pageNum'],
      ['itemsPerPage=1.5', 'itemsPerPage'],
    ] as const) {
      const res = await call(t.app, { method: 'GET', url: `${V2}/groups?${query}` });
      assertError(res, 400, 'INVALID_QUERY_PARAMETER', `Invalid query parameter ${name} specified.`, [name]);
    }
  });

  test('a body over 1 MiB is refused with a 4xx Atlas error, never a 500', async () => {
    const res = await call(t.app, {
      method: 'POST',
      url: `${V2}/groups`,
      payload: JSON.stringify({ name: 'big', orgId: t.orgId, pad: 'x'.repeat(1024 * 1024 + 10) }),
    });
    assertError(res, 413, 'REQUEST_TOO_LARGE', 'Request body is larger than 1048576 bytes.', [1048576]);
  });
});

/** A tiny deterministic PRNG, so a failing fuzz case can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe('garbage in never yields a 5xx', () => {
  let t: TestLinkplane;
  let projectId: string;
  const projectIds: string[] = [];
  let throwaway: Key;

  before(async () => {
    t = await startTestLinkplane();
    projectId = await createProject(t.app, t.orgId, 'fuzz-project');
    for (let i = 0; i < 4; i++) projectIds.push(await createProject(t.app, t.orgId, `fuzz-project-${i}`));
    throwaway = await createOrgKey(t.app, t.orgId, ['ORG_MEMBER'], 'fuzz target');
  });
  after(() => t.close());

  /** Every response is < 500; errors are Atlas-shaped (the challenge has its own fixed body). */
  function check(res: LightMyRequestResponse, label: string, method: string): void {
    assert.ok(res.statusCode < 500, `${label} -> ${res.statusCode} ${res.body}`);
    if (method === 'HEAD' || res.statusCode < 400) return;
    if (res.statusCode === 401 && res.headers['www-authenticate']) {
      assert.equal(res.body, CHALLENGE_BODY, label);
      return;
    }
    assert.equal(res.headers['content-type'], 'application/json', label);
    const body = JSON.parse(res.body);
    assert.deepEqual(Object.keys(body), ERROR_KEYS, label);
    assert.equal(body.error, res.statusCode, label);
    assert.equal(body.errorCode, res.headers['x-error-code'], label);
  }

  test('a few hundred random requests with garbage paths, queries, bodies and headers', async () => {
    const rnd = mulberry32(20261204);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const prefixes = [V1, V2, V2, '', '/api/atlas', '/api/linkplane/v1/sim'];
    const segments = [
      'groups', 'orgs', 'apiKeys', 'accessList', 'byName', 'clusters', 'privateEndpoint', 'AWS', 'AZURE', 'endpointService',
      'faults', 'settings', projectId, t.orgId, throwaway.id, '000000000000000000000000', 'ffffffffffffffffffffffff',
      '%zz', '%2F', '%00', '..', '.', '', 'ñ', '%E2%82%AC', '{groupId}', "'%20OR%201=1", '%3Cscript%3E', '-1', 'null',
      '10.0.0.1', '10.0.0.0%2F8', 'x'.repeat(2100), '%25', '%2e%2e',
    ];
    const queries = [
      '', 'pretty=true', 'envelope=true', 'pretty=true&envelope=true', 'pageNum=-1', 'itemsPerPage=abc', 'itemsPerPage=0',
      'itemsPerPage=501', 'includeCount=maybe', 'pretty=1', 'pageNum=99999999999', 'pageNum=1&pageNum=2', 'a[b]=c', '%',
      '&&&', '=', 'pretty', 'envelope=', 'name=%00', 'projectOwnerId=zz', 'projectOwnerId=aaaaaaaaaaaaaaaaaaaaaaaa',
      `q=${'z'.repeat(5000)}`,
    ];
    const bodies: (string | undefined)[] = [
      undefined, '', '{', '[]', '[[]]', 'null', '1', '"s"', 'true', '{}', '{"name":{}}', '{"name":"","orgId":""}',
      `{"name":"fz","orgId":"${t.orgId}","tags":[{"key":1}]}`, `{"name":"${'n'.repeat(100)}","orgId":"${t.orgId}"}`,
      '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', '['.repeat(3000), '{"a":'.repeat(2000),
      '[{"roles":null}]', '[{"roles":[]}]', '[{"roles":["GROUP_NOPE"]}]', '[{"ipAddress":"999.1.1.1"}]',
      '[{"cidrBlock":"10.0.0.0/99"}]', '[{"cidrBlock":"::/0"}]', '[{}]', '{"desc":"","roles":[]}', '{"desc":"d","roles":["ORG_NOPE"]}',
      `{"desc":"${'d'.repeat(300)}","roles":["ORG_MEMBER"]}`, '{"roles":["GROUP_OWNER"],"desc":null}', '\u0000\u0001\u0002',
      '{"name":"\\ud800"}', '{"providerName":"AWS","region":"us-east-1"}', '{"providerName":"MARS","region":1}',
      '{"timeScale":-1}', '{"timeScale":"fast"}', '{"enabled":"yes"}', '1e999', '-0', '{"a":1e400}',
    ];
    const contentTypes = [
      undefined, 'application/json', 'application/vnd.atlas.2023-01-01+json', 'text/plain', 'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x', 'application/json; charset=latin1', '', ';;;', 'application/xml',
    ];
    const accepts = [
      undefined, V2_ACCEPT, V2_ACCEPT, 'application/json', '*/*', 'application/vnd.atlas.1999-01-01+json',
      'application/vnd.atlas.9999-99-99+json', 'application/vnd.atlas.preview+json', '\t', 'x'.repeat(1000),
    ];
    const methods = ['GET', 'GET', 'POST', 'POST', 'PATCH', 'DELETE', 'PUT'] as const;

    const seen = new Map<number, number>();
    // Real route shapes with real or garbage ids, so requests get past routing into validation and handlers.
    const templates = [
      '/groups', '/groups/{g}', '/groups/byName/{name}', '/groups/{g}/clusters', '/groups/{g}/apiKeys', '/groups/{g}/apiKeys/{k}',
      '/orgs', '/orgs/{o}', '/orgs/{o}/groups', '/orgs/{o}/apiKeys', '/orgs/{o}/apiKeys/{k}', '/orgs/{o}/apiKeys/{k}/accessList',
      '/orgs/{o}/apiKeys/{k}/accessList/{ip}', '/groups/{g}/privateEndpoint/endpointService',
      '/groups/{g}/privateEndpoint/{p}/endpointService', '/groups/{g}/privateEndpoint/{p}/endpointService/{s}',
      '/groups/{g}/privateEndpoint/{p}/endpointService/{s}/endpoint', '/groups/{g}/privateEndpoint/{p}/endpointService/{s}/endpoint/{e}',
      '/groups/{g}/privateEndpoint/endpointService/{s}', '/groups/{g}/privateEndpoint/regionalMode',
    ];
    const fills: Record<string, readonly string[]> = {
      g: [...projectIds, ...projectIds, '000000000000000000000000', 'zz', '%zz'],
      o: [t.orgId, t.orgId, 'ffffffffffffffffffffffff', 'x'],
      k: [throwaway.id, throwaway.id, '000000000000000000000000', 'bootpub1'],
      name: ['fuzz-project', 'nope', '%00', 'x'.repeat(65)],
      ip: ['10.0.0.1', '10.0.0.0%2F8', '999.0.0.1', '%2F', '::1'],
      p: ['AWS', 'AZURE', 'GCP', 'aws', 'MARS'],
      s: ['000000000000000000000000', 'nope'],
      e: ['vpce-0123456789abcdef0', '%2F', 'x'],
    };
    /** A body the route would accept, so some requests go all the way through. */
    const validFor = (path: string): string => {
      if (/\/groups$/.test(path)) return `{"name":"fz-${Math.floor(rnd() * 1e9)}","orgId":"${t.orgId}"}`;
      if (/\/groups\/[^/]+\/apiKeys\/[^/]+$/.test(path)) return rnd() < 0.5 ? '[{"roles":["GROUP_READ_ONLY"]}]' : '{"roles":["GROUP_OWNER"]}';
      if (/\/groups\/[^/]+\/apiKeys$/.test(path)) return '{"desc":"fuzzed","roles":["GROUP_READ_ONLY"]}';
      if (/\/orgs\/[^/]+\/apiKeys$/.test(path)) return '{"desc":"fuzzed","roles":["ORG_MEMBER"]}';
      if (/\/accessList$/.test(path)) return '[{"cidrBlock":"10.0.0.0/8"}]';
      if (/\/groups\/[^/]+$/.test(path)) return '{"tags":[{"key":"k","value":"v"}]}';
      return '{}';
    };
    for (let i = 0; i < 400; i++) {
      const depth = 1 + Math.floor(rnd() * 5);
      const path =
        rnd() < 0.6
          ? pick([V1, V2, V2]) + pick(templates).replace(/\{(\w+)\}/g, (_, k: string) => pick(fills[k]))
          : pick(prefixes) + Array.from({ length: depth }, () => '/' + pick(segments)).join('');
      const q = pick(queries);
      // Sign the target as the server will see it (inject normalises dot segments and non-ASCII).
      const raw = q ? `${path}?${q}` : path;
      let url = raw;
      try {
        const u = new URL(raw, 'http://localhost');
        if (!raw.startsWith('//')) url = u.pathname + u.search;
      } catch {
        url = raw;
      }
      const method = pick(methods);
      const body = rnd() < 0.4 ? validFor(path) : pick(bodies);
      const payload = method === 'GET' || method === 'DELETE' ? (rnd() < 0.2 ? body : undefined) : body;
      const headers: Record<string, string> = {};
      const ct = rnd() < 0.5 ? 'application/json' : pick(contentTypes);
      if (ct !== undefined && payload !== undefined) headers['content-type'] = ct;
      const accept = rnd() < 0.6 ? V2_ACCEPT : pick(accepts);
      if (accept !== undefined) headers.accept = accept;
      const label = `#${i} ${method} ${url.slice(0, 200)} body=${String(payload).slice(0, 60)} headers=${JSON.stringify(headers).slice(0, 200)}`;
      let res: LightMyRequestResponse;
      try {
        res = await digest(t.app, { method, url, payload, headers });
      } catch (err) {
        assert.fail(`${label} threw ${String(err)}`);
      }
      check(res, label, method);
      seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
    }
    // The run reached handlers, not only the gates in front of them.
    for (const status of [200, 400, 404, 406]) assert.ok(seen.has(status), `no ${status} among ${JSON.stringify([...seen])}`);
    assert.ok([201, 202, 204].some((s) => seen.has(s)), `no write succeeded among ${JSON.stringify([...seen])}`);
  });

  test('garbage Authorization headers always get the challenge (or a 4xx), never a 5xx', async () => {
    const nonce = /nonce="([^"]+)"/.exec(String((await t.app.inject({ method: 'GET', url: `${V1}/orgs` })).headers['www-authenticate']))![1];
    const authorizations = [
      'Digest',
      'Digest ',
      'Digest username=',
      'Digest username="bootpub1"',
      'Basic Ym9vdHB1YjE6eA==',
      'Bearer abc.def.ghi',
      `Digest username="bootpub1", realm="MMS Public API", nonce="${nonce}", uri="/api/atlas/v1.0/orgs", response="zz"`,
      `Digest username="bootpub1", realm="MMS Public API", nonce="${nonce}", uri="/api/atlas/v1.0/orgs", response="${'0'.repeat(32)}", qop=auth`,
      `Digest username="bootpub1", realm="other", nonce="${nonce}", uri="/api/atlas/v1.0/orgs", response="${'0'.repeat(32)}"`,
      `Digest username="bootpub1", realm="MMS Public API", nonce="${nonce}", uri="/elsewhere", response="${'0'.repeat(32)}"`,
      `Digest username="bootpub1", realm="MMS Public API", nonce="${'f'.repeat(64)}", uri="/api/atlas/v1.0/orgs", response="${'0'.repeat(32)}"`,
      `Digest username="bootpub1", realm="MMS Public API", nonce="${nonce}", uri="/api/atlas/v1.0/orgs", response="${'0'.repeat(32)}", algorithm=SHA-256`,
      `Digest username="${'u'.repeat(70000)}"`,
      'Digest username="a\\"b", realm="MMS Public API", nonce="n", uri="/", response="r"',
      'Digest username="unterminated',
      'Digest a=b, a=c',
      '\u00ff\u00fe',
    ];
    for (const [i, authorization] of authorizations.entries()) {
      for (const method of ['GET', 'POST', 'HEAD', 'OPTIONS'] as const) {
        const res = await t.app.inject({
          method,
          url: `${V1}/orgs`,
          headers: { authorization, 'content-type': 'application/json' },
          payload: method === 'POST' ? '{' : undefined,
        });
        check(res, `auth #${i} ${method}`, method);
        if (method !== 'HEAD') assert.equal(res.statusCode, 401, `auth #${i} ${method}`);
      }
    }
  });
});
