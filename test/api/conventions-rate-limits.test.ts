import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { digest, startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { assertError, call, createOrgKey, createProject, secondOrg, V1, V2, type Key } from './auth-helpers.ts';

function assertRateHeaders(res: LightMyRequestResponse, limit: number, remaining: number): void {
  assert.equal(res.headers['ratelimit-limit'], String(limit), res.body);
  assert.equal(res.headers['ratelimit-remaining'], String(remaining), res.body);
}

function assertLimited(res: LightMyRequestResponse, label: string, retryAfter: number, capacity: number, refill: number): void {
  assertError(
    res,
    429,
    'RATE_LIMITED_TOKEN_BUCKET',
    `Rate limit exceeded for ${label}. Please retry after ${retryAfter} seconds. Request capacity: ${capacity}. Refill rate: ${refill} per 60 seconds.`,
    [label, retryAfter, capacity, refill, 60],
  );
  assert.equal(res.headers['retry-after'], String(retryAfter));
  assertRateHeaders(res, capacity, 0);
}

describe('rate-limit headers with the default limits', () => {
  let t: TestLinkplane;
  before(async () => {
    t = await startTestLinkplane();
  });
  after(() => t.close());

  test('every rate-limited response carries Ratelimit-Limit and a decreasing Ratelimit-Remaining', async () => {
    const projectId = await createProject(t.app, t.orgId, 'headers');
    const a = await call(t.app, { method: 'GET', url: `${V2}/groups/${projectId}` });
    assert.equal(a.statusCode, 200);
    assertRateHeaders(a, 1200, 1199);
    const b = await digest(t.app, { method: 'GET', url: `${V1}/groups/${projectId}` });
    assertRateHeaders(b, 1200, 1198);
    assertRateHeaders(await call(t.app, { method: 'GET', url: `${V2}/orgs` }), 300, 299);
    assertRateHeaders(await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys` }), 500, 499);
    // errors answered after the bucket was taken carry the headers too
    const missing = await call(t.app, { method: 'GET', url: `${V2}/groups/bbbbbbbbbbbbbbbbbbbbbbbb` });
    assert.equal(missing.statusCode, 404);
    assertRateHeaders(missing, 1200, 1199);
  });
});

describe('429 RATE_LIMITED_TOKEN_BUCKET with small buckets', () => {
  let t: TestLinkplane;
  let p1: string;
  let p2: string;
  let other: Awaited<ReturnType<typeof secondOrg>>;
  let second: Key;

  before(async () => {
    t = await startTestLinkplane({
      rateLimits: {
        project: { capacity: 3, refillPerMinute: 1 },
        orgApiKeys: { capacity: 2, refillPerMinute: 2 },
        projects: { capacity: 2, refillPerMinute: 1 },
      },
    });
    p1 = await createProject(t.app, t.orgId, 'limited-1');
    p2 = await createProject(t.app, t.orgId, 'limited-2');
    other = await secondOrg(t.lp, t.clock.ms);
    second = await createOrgKey(t.app, t.orgId, ['ORG_OWNER'], 'second owner');
  });
  after(() => t.close());

  test('per project: the bucket of one project runs dry, refills as the clock moves, and never exceeds capacity', async () => {
    t.clock.advance(3_600_000); // every bucket full again
    const label = 'api/atlas/v2/groups/{groupId}';
    for (const remaining of [2, 1, 0]) {
      const res = await call(t.app, { method: 'GET', url: `${V2}/groups/${p1}` });
      assert.equal(res.statusCode, 200);
      assertRateHeaders(res, 3, remaining);
    }
    assertLimited(await call(t.app, { method: 'GET', url: `${V2}/groups/${p1}` }), label, 60, 3, 1);
    // every operation of the endpoint set, on either tree, by any key, draws from the same project bucket
    assertLimited(await call(t.app, { method: 'GET', url: `${V2}/groups/${p1}/clusters` }), label, 60, 3, 1);
    assertLimited(await digest(t.app, { method: 'PATCH', url: `${V1}/groups/${p1}`, body: { name: 'x' } }), label, 60, 3, 1);
    assertLimited(await call(t.app, { method: 'GET', url: `${V2}/groups/${p1}` }, second), label, 60, 3, 1);
    // another project has its own bucket
    const p2res = await call(t.app, { method: 'GET', url: `${V2}/groups/${p2}` });
    assert.equal(p2res.statusCode, 200);
    assertRateHeaders(p2res, 3, 2);

    t.clock.advance(30_000);
    assertLimited(await call(t.app, { method: 'GET', url: `${V2}/groups/${p1}` }), label, 30, 3, 1);
    t.clock.advance(29_000);
    assertLimited(await call(t.app, { method: 'GET', url: `${V2}/groups/${p1}` }), label, 1, 3, 1);
    t.clock.advance(1_000);
    const refilled = await call(t.app, { method: 'GET', url: `${V2}/groups/${p1}` });
    assert.equal(refilled.statusCode, 200);
    assertRateHeaders(refilled, 3, 0);
    assertLimited(await call(t.app, { method: 'GET', url: `${V2}/groups/${p1}` }), label, 60, 3, 1);

    t.clock.advance(60 * 60_000);
    const full = await call(t.app, { method: 'GET', url: `${V2}/groups/${p1}` });
    assert.equal(full.statusCode, 200);
    assertRateHeaders(full, 3, 2);
  });

  test('per organization: keys of one organization share its bucket; another organization has its own', async () => {
    t.clock.advance(3_600_000); // every bucket full again
    const label = 'api/atlas/v2/orgs/{orgId}/apiKeys';
    const a = await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys` });
    assertRateHeaders(a, 2, 1);
    const b = await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys` }, second);
    assert.equal(b.statusCode, 200);
    assertRateHeaders(b, 2, 0);
    assertLimited(await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys` }), label, 30, 2, 2);
    assertLimited(
      await call(t.app, { method: 'POST', url: `${V2}/orgs/${t.orgId}/apiKeys`, body: { desc: 'x', roles: ['ORG_MEMBER'] } }, second),
      label,
      30,
      2,
      2,
    );
    const elsewhere = await call(t.app, { method: 'GET', url: `${V2}/orgs/${other.orgId}/apiKeys` }, other.key);
    assert.equal(elsewhere.statusCode, 200);
    assertRateHeaders(elsewhere, 2, 1);

    t.clock.advance(30_000);
    const again = await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys` });
    assert.equal(again.statusCode, 200);
    assertRateHeaders(again, 2, 0);
  });

  test('per key (USER scope): one key exhausting GET /groups does not limit another key', async () => {
    t.clock.advance(3_600_000); // every bucket full again
    const label = 'api/atlas/v2/groups';
    for (const remaining of [1, 0]) assertRateHeaders(await call(t.app, { method: 'GET', url: `${V2}/groups` }), 2, remaining);
    assertLimited(await call(t.app, { method: 'GET', url: `${V2}/groups` }), label, 60, 2, 1);
    assertLimited(await call(t.app, { method: 'POST', url: `${V2}/groups`, body: { name: 'never', orgId: t.orgId } }), label, 60, 2, 1);
    const byOther = await call(t.app, { method: 'GET', url: `${V2}/groups` }, second);
    assert.equal(byOther.statusCode, 200);
    assertRateHeaders(byOther, 2, 1);
    t.clock.advance(60_000);
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/groups` })).statusCode, 200);
  });

  test('a 429 with envelope=true is HTTP 200 with the error as content, Retry-After kept', async () => {
    const p3 = await createProjectUnlimited(t);
    for (let i = 0; i < 3; i++) assert.equal((await call(t.app, { method: 'GET', url: `${V2}/groups/${p3}` })).statusCode, 200);
    const res = await call(t.app, { method: 'GET', url: `${V2}/groups/${p3}?envelope=true` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['retry-after'], '60');
    assert.equal(res.headers['x-error-code'], 'RATE_LIMITED_TOKEN_BUCKET');
    assert.deepEqual(JSON.parse(res.body), {
      content: {
        detail:
          'Rate limit exceeded for api/atlas/v2/groups/{groupId}. Please retry after 60 seconds. Request capacity: 3. Refill rate: 1 per 60 seconds.',
        error: 429,
        errorCode: 'RATE_LIMITED_TOKEN_BUCKET',
        parameters: ['api/atlas/v2/groups/{groupId}', 60, 3, 1, 60],
        reason: 'Too Many Requests',
      },
      status: 429,
    });
  });

  test('requests refused before authentication do not take tokens', async () => {
    const p4 = await createProjectUnlimited(t);
    for (let i = 0; i < 5; i++) assert.equal((await t.app.inject({ method: 'GET', url: `${V2}/groups/${p4}` })).statusCode, 401);
    const res = await call(t.app, { method: 'GET', url: `${V2}/groups/${p4}` });
    assert.equal(res.statusCode, 200);
    assertRateHeaders(res, 3, 2);
  });
});

/** Creates a project once the USER-scoped /groups bucket has refilled (it is deliberately tiny here). */
async function createProjectUnlimited(t: TestLinkplane): Promise<string> {
  t.clock.advance(120_000);
  return createProject(t.app, t.orgId, `limited-${t.clock.ms}`);
}

describe('rate limiting turned off', () => {
  let t: TestLinkplane;
  before(async () => {
    t = await startTestLinkplane({ rateLimits: false });
  });
  after(() => t.close());

  test('no Ratelimit headers and no 429 however many requests', async () => {
    for (let i = 0; i < 400; i++) {
      const res = await call(t.app, { method: 'GET', url: `${V2}/orgs` });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['ratelimit-limit'], undefined);
      assert.equal(res.headers['ratelimit-remaining'], undefined);
    }
  });
});
