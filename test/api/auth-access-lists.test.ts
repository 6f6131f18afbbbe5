import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { assertError, BASE, call, createOrgKey, json, V1, V2, type Key } from './auth-helpers.ts';

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

describe('API key IP access lists', () => {
  let t: TestLinkplane;
  let key: Key;
  let created: string;
  const list = () => `${V2}/orgs/${t.orgId}/apiKeys/${key.id}/accessList`;
  const entryHref = (address: string, prefix = V2) => `${BASE}${prefix}/orgs/${t.orgId}/apiKeys/${key.id}/accessList/${address}`;

  before(async () => {
    t = await startTestLinkplane();
    key = await createOrgKey(t.app, t.orgId, ['ORG_OWNER'], 'listed key');
  });
  after(() => t.close());

  test('while the list is empty the key works from any address', async () => {
    for (const remoteAddress of ['127.0.0.1', '203.0.113.99', '2001:db8::42']) {
      assert.equal((await call(t.app, { method: 'GET', url: `${V2}/orgs`, remoteAddress }, key)).statusCode, 200);
    }
    const empty = await call(t.app, { method: 'GET', url: list() });
    assert.deepEqual(json(empty), {
      links: [{ href: `${BASE}${list()}?includeCount=true&pageNum=1&itemsPerPage=100`, rel: 'self' }],
      results: [],
      totalCount: 0,
    });
  });

  test('POST adds an array of entries and answers 200 with the whole list', async () => {
    created = iso(t.clock.ms);
    const res = await call(t.app, {
      method: 'POST',
      url: list(),
      body: [{ ipAddress: '203.0.113.7' }, { cidrBlock: '198.51.100.0/24' }, { cidrBlock: '2001:db8::/32' }],
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(
      res.body,
      JSON.stringify({
        links: [{ href: `${BASE}${list()}?includeCount=true&pageNum=1&itemsPerPage=100`, rel: 'self' }],
        results: [
          { cidrBlock: '198.51.100.0/24', count: 0, created, links: [{ href: entryHref('198.51.100.0%2F24'), rel: 'self' }] },
          { cidrBlock: '2001:db8::/32', count: 0, created, links: [{ href: entryHref('2001%3Adb8%3A%3A%2F32'), rel: 'self' }] },
          { cidrBlock: '203.0.113.7/32', count: 0, created, ipAddress: '203.0.113.7', links: [{ href: entryHref('203.0.113.7'), rel: 'self' }] },
        ],
        totalCount: 3,
      }),
    );
  });

  test('from an unlisted address the key gets 403 IP_ADDRESS_NOT_ON_ACCESS_LIST naming the address', async () => {
    for (const remoteAddress of ['127.0.0.1', '203.0.113.8', '198.51.101.1', '2001:db9::1', '::ffff:10.1.1.1']) {
      const shown = remoteAddress.replace('::ffff:', '');
      for (const url of [`${V2}/orgs`, `${V1}/orgs/${t.orgId}`, `${V2}/groups`]) {
        const res = await call(t.app, { method: 'GET', url, remoteAddress }, key);
        assertError(res, 403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST', `IP address ${shown} is not allowed to access this resource.`, [shown]);
      }
    }
    // other keys are not affected
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/orgs`, remoteAddress: '127.0.0.1' })).statusCode, 200);
  });

  test('the check happens after authentication: a wrong password from an unlisted address is a challenge', async () => {
    const res = await call(t.app, { method: 'GET', url: `${V2}/orgs`, remoteAddress: '127.0.0.1' }, { ...key, privateKey: 'wrong' });
    assert.equal(res.statusCode, 401);
    assert.ok(res.headers['www-authenticate']);
  });

  test('from a listed address or a CIDR member the key works, and the entry records count, lastUsed and lastUsedAddress', async () => {
    t.clock.advance(5_000);
    const firstUse = iso(t.clock.ms);
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/orgs`, remoteAddress: '203.0.113.7' }, key)).statusCode, 200);
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/orgs`, remoteAddress: '198.51.100.42' }, key)).statusCode, 200);
    t.clock.advance(7_000);
    const secondUse = iso(t.clock.ms);
    assert.equal((await call(t.app, { method: 'GET', url: `${V1}/orgs`, remoteAddress: '198.51.100.200' }, key)).statusCode, 200);
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/orgs`, remoteAddress: '2001:db8:1:2::3' }, key)).statusCode, 200);
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/orgs`, remoteAddress: '::ffff:203.0.113.7' }, key)).statusCode, 200);

    const single = await call(t.app, { method: 'GET', url: `${list()}/203.0.113.7` });
    assert.equal(single.statusCode, 200);
    assert.equal(
      single.body,
      JSON.stringify({
        cidrBlock: '203.0.113.7/32',
        count: 2,
        created,
        ipAddress: '203.0.113.7',
        lastUsed: secondUse,
        lastUsedAddress: '203.0.113.7',
        links: [{ href: entryHref('203.0.113.7'), rel: 'self' }],
      }),
    );
    const block = await call(t.app, { method: 'GET', url: `${list()}/198.51.100.0%2F24` });
    assert.equal(block.statusCode, 200);
    assert.equal(
      block.body,
      JSON.stringify({
        cidrBlock: '198.51.100.0/24',
        count: 2,
        created,
        lastUsed: secondUse,
        lastUsedAddress: '198.51.100.200',
        links: [{ href: entryHref('198.51.100.0%2F24'), rel: 'self' }],
      }),
    );
    assert.notEqual(firstUse, secondUse);
    const v6 = json(await call(t.app, { method: 'GET', url: `${V1}/orgs/${t.orgId}/apiKeys/${key.id}/accessList/2001%3Adb8%3A%3A%2F32` }));
    assert.equal(v6.count, 1);
    assert.equal(v6.lastUsedAddress, '2001:db8:1:2::3');
    assert.deepEqual(v6.links, [{ href: entryHref('2001%3Adb8%3A%3A%2F32', V1), rel: 'self' }]);
  });

  test('refused requests are not counted', async () => {
    const before = json(await call(t.app, { method: 'GET', url: `${list()}/203.0.113.7` })).count;
    await call(t.app, { method: 'GET', url: `${V2}/orgs`, remoteAddress: '203.0.113.7' }, { ...key, privateKey: 'wrong' });
    await call(t.app, { method: 'GET', url: `${V2}/orgs`, remoteAddress: '10.9.9.9' }, key);
    assert.equal(json(await call(t.app, { method: 'GET', url: `${list()}/203.0.113.7` })).count, before);
  });

  test('adding an entry that exists keeps its counters', async () => {
    const res = await call(t.app, { method: 'POST', url: list(), body: [{ cidrBlock: '198.51.100.0/24' }] });
    assert.equal(res.statusCode, 200);
    const entry = json(res).results.find((e: { cidrBlock: string }) => e.cidrBlock === '198.51.100.0/24');
    assert.equal(entry.count, 2);
    assert.equal(json(res).totalCount, 3);
  });

  test('an address not on the list is 404 API_KEY_ACCESS_LIST_NOT_FOUND', async () => {
    for (const [path, address] of [
      ['10.0.0.1', '10.0.0.1'],
      ['10.0.0.0%2F8', '10.0.0.0/8'],
    ] as const) {
      assertError(
        await call(t.app, { method: 'GET', url: `${list()}/${path}` }),
        404,
        'API_KEY_ACCESS_LIST_NOT_FOUND',
        `IP address ${address} not on access list for API key ${key.id}.`,
        [address, key.id],
      );
    }
  });

  test('an entry with both ipAddress and cidrBlock is 400 BAD_ACCESS_LIST_ADD_REQUEST; nothing is added', async () => {
    const res = await call(t.app, { method: 'POST', url: list(), body: [{ ipAddress: '10.0.0.1', cidrBlock: '10.0.0.0/8' }] });
    assertError(res, 400, 'BAD_ACCESS_LIST_ADD_REQUEST', 'Should not specify both the IP address and the CIDR block.');
    const mixed = await call(t.app, { method: 'POST', url: list(), body: [{ ipAddress: '10.0.0.2' }, { ipAddress: '10.0.0.3', cidrBlock: '10.0.0.3/32' }] });
    assert.equal(mixed.statusCode, 400);
    assert.equal(json(await call(t.app, { method: 'GET', url: list() })).totalCount, 3);
  });

  test('a malformed address or block is 400 INVALID_IP_ADDRESS_OR_CIDR_NOTATION naming it', async () => {
    for (const entry of [
      { ipAddress: '999.1.1.1' },
      { ipAddress: '10.0.0' },
      { ipAddress: 'localhost' },
      { ipAddress: '' },
      { ipAddress: '10.0.0.1/32' },
      { cidrBlock: '10.0.0.0/33' },
      { cidrBlock: '10.0.0.0' },
      { cidrBlock: '10.0.0.0/' },
      { cidrBlock: '2001:db8::/129' },
      { cidrBlock: 'abc/8' },
    ]) {
      const address = entry.ipAddress ?? entry.cidrBlock;
      assertError(
        await call(t.app, { method: 'POST', url: list(), body: [entry] }),
        400,
        'INVALID_IP_ADDRESS_OR_CIDR_NOTATION',
        `The address ${address} must be in valid IP address or CIDR notation.`,
        [address],
      );
    }
    assertError(await call(t.app, { method: 'POST', url: list(), body: [{}] }), 400, 'MISSING_ATTRIBUTE', 'The required attribute ipAddress was not specified.', ['ipAddress']);
    assertError(await call(t.app, { method: 'POST', url: list(), body: [] }), 400, 'INVALID_JSON', 'Received JSON does not match expected format.');
  });

  test('an unknown key has no access list: 404 API_KEY_NOT_FOUND', async () => {
    const id = 'eeeeeeeeeeeeeeeeeeeeeeee';
    for (const [method, url, body] of [
      ['GET', `${V2}/orgs/${t.orgId}/apiKeys/${id}/accessList`, undefined],
      ['POST', `${V2}/orgs/${t.orgId}/apiKeys/${id}/accessList`, [{ ipAddress: '10.0.0.1' }]],
      ['GET', `${V2}/orgs/${t.orgId}/apiKeys/${id}/accessList/10.0.0.1`, undefined],
      ['DELETE', `${V2}/orgs/${t.orgId}/apiKeys/${id}/accessList/10.0.0.1`, undefined],
    ] as const) {
      assertError(await call(t.app, { method, url, body }), 404, 'API_KEY_NOT_FOUND', `No API key with ID ${id} exists.`, [id]);
    }
  });

  test("a key cannot remove the entry admitting the address it calls from (400), but may remove others; another owner may remove any", async () => {
    for (const remoteAddress of ['198.51.100.42', '::ffff:198.51.100.42']) {
      const res = await call(t.app, { method: 'DELETE', url: `${list()}/198.51.100.0%2F24`, remoteAddress }, key);
      assertError(res, 400, 'CANNOT_REMOVE_CALLER_FROM_ACCESS_LIST', "Cannot remove caller's IP address 198.51.100.42 from access list.", ['198.51.100.42']);
    }
    assert.equal(json(await call(t.app, { method: 'GET', url: list() })).totalCount, 3);

    const other = await call(t.app, { method: 'DELETE', url: `${list()}/2001%3Adb8%3A%3A%2F32`, remoteAddress: '198.51.100.42' }, key);
    assert.equal(other.statusCode, 204);
    assert.equal(other.body, '');

    const byOwner = await call(t.app, { method: 'DELETE', url: `${list()}/198.51.100.0%2F24`, remoteAddress: '127.0.0.1' });
    assert.equal(byOwner.statusCode, 204);
    assertError(
      await call(t.app, { method: 'GET', url: `${list()}/198.51.100.0%2F24` }),
      404,
      'API_KEY_ACCESS_LIST_NOT_FOUND',
      `IP address 198.51.100.0/24 not on access list for API key ${key.id}.`,
      ['198.51.100.0/24', key.id],
    );
    // the block is gone, so its members are refused now
    assertError(
      await call(t.app, { method: 'GET', url: `${V2}/orgs`, remoteAddress: '198.51.100.42' }, key),
      403,
      'IP_ADDRESS_NOT_ON_ACCESS_LIST',
      'IP address 198.51.100.42 is not allowed to access this resource.',
      ['198.51.100.42'],
    );
  });

  test('deleting the last entry opens the key to every address again', async () => {
    assert.equal((await call(t.app, { method: 'DELETE', url: `${V1}/orgs/${t.orgId}/apiKeys/${key.id}/accessList/203.0.113.7` })).statusCode, 204);
    assert.equal(json(await call(t.app, { method: 'GET', url: list() })).totalCount, 0);
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/orgs`, remoteAddress: '10.9.9.9' }, key)).statusCode, 200);
  });

  test('both trees manage the same list', async () => {
    const add = await call(t.app, { method: 'POST', url: `${V1}/orgs/${t.orgId}/apiKeys/${key.id}/accessList`, body: [{ ipAddress: '192.0.2.1' }] });
    assert.equal(add.statusCode, 200);
    assert.equal(add.headers['content-type'], 'application/json');
    const v2 = json(await call(t.app, { method: 'GET', url: `${list()}/192.0.2.1` }));
    assert.equal(v2.ipAddress, '192.0.2.1');
    assert.equal((await call(t.app, { method: 'DELETE', url: `${list()}/192.0.2.1` })).statusCode, 204);
  });
});
