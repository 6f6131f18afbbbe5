import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BOOT_PRIVATE, BOOT_PUBLIC, digest, startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { assertChallenge, assertError, CHALLENGE_BODY, createOrgKey, digestAuthorization, freshNonce, json, signed, V1, V2 } from './auth-helpers.ts';

const boot = { user: BOOT_PUBLIC, pass: BOOT_PRIVATE };

describe('HTTP Digest authentication', () => {
  let t: TestLinkplane;

  before(async () => {
    t = await startTestLinkplane();
  });
  after(() => t.close());

  test('no Authorization: 401 with the Atlas challenge header and exact body, on every tree and method', async () => {
    const nonces = new Set<string>();
    for (const [method, url] of [
      ['GET', `${V2}/orgs`],
      ['GET', `${V1}/orgs`],
      ['POST', `${V2}/groups`],
      ['PATCH', `${V1}/groups/aaaaaaaaaaaaaaaaaaaaaaaa`],
      ['DELETE', `${V2}/orgs/${t.orgId}/apiKeys/aaaaaaaaaaaaaaaaaaaaaaaa`],
      ['GET', `${V2}/groups/not-an-id`],
      ['GET', `${V2}/no/such/route`],
      ['GET', '/api/linkplane/v1/sim/faults'],
    ] as const) {
      const res = await t.app.inject({ method, url, payload: method === 'POST' ? '{not json' : undefined });
      const nonce = assertChallenge(res);
      assert.equal(res.headers['x-error-code'], undefined);
      assert.equal(res.headers['ratelimit-limit'], undefined);
      assert.equal(
        res.headers['www-authenticate'],
        `Digest realm="MMS Public API", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=false`,
      );
      nonces.add(nonce);
    }
    assert.equal(nonces.size, 8, 'every challenge has a fresh nonce');
  });

  test('the challenge body is byte-exact', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${V2}/orgs` });
    assert.equal(
      res.body,
      '{\n  "error" : 401,\n  "reason" : "Unauthorized",\n  "detail" : "You are not authorized for this resource.",\n  "errorCode" : "UNEXPECTED_ERROR"\n}',
    );
    assert.equal(res.headers['content-length'], '142');
  });

  test('the health probe needs no credentials', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(json(res), { status: 'ok' });
  });

  test('the right key gets through', async () => {
    const res = await digest(t.app, { method: 'GET', url: `${V1}/orgs`, ...boot });
    assert.equal(res.statusCode, 200);
  });

  test('a wrong private key gets the same challenge', async () => {
    assertChallenge(await digest(t.app, { method: 'GET', url: `${V1}/orgs`, user: BOOT_PUBLIC, pass: '0b0b0b0b-1111-4222-8333-000000000000' }));
  });

  test('an unknown public key gets the same challenge', async () => {
    assertChallenge(await digest(t.app, { method: 'GET', url: `${V1}/orgs`, user: 'nosuchky', pass: BOOT_PRIVATE }));
    assertChallenge(await digest(t.app, { method: 'GET', url: `${V1}/orgs`, user: '', pass: BOOT_PRIVATE }));
  });

  test('an expired nonce with otherwise-correct credentials gets stale=true; a fresh one then works', async () => {
    const nonce = await freshNonce(t.app);
    t.clock.advance(300_000); // exactly the ttl: still fresh
    assert.equal((await signed(t.app, { method: 'GET', url: `${V1}/orgs`, ...boot, nonce, nc: '00000001' })).statusCode, 200);
    t.clock.advance(1);
    const stale = await signed(t.app, { method: 'GET', url: `${V1}/orgs`, ...boot, nonce, nc: '00000002' });
    assertChallenge(stale, true);
    assert.match(String(stale.headers['www-authenticate']), /, stale=true$/);
    // the stale challenge carries a new nonce that works
    const next = assertChallenge(stale, true);
    assert.notEqual(next, nonce);
    assert.equal((await signed(t.app, { method: 'GET', url: `${V1}/orgs`, ...boot, nonce: next })).statusCode, 200);
  });

  test('an expired nonce with wrong credentials is a plain challenge (stale=false)', async () => {
    const nonce = await freshNonce(t.app);
    t.clock.advance(301_000);
    assertChallenge(await signed(t.app, { method: 'GET', url: `${V1}/orgs`, user: BOOT_PUBLIC, pass: 'wrong', nonce }), false);
    assertChallenge(await signed(t.app, { method: 'GET', url: `${V1}/orgs`, user: 'nosuchky', pass: BOOT_PRIVATE, nonce }), false);
  });

  test('a replayed (nonce, nc) is refused; the same nonce with a higher nc is accepted', async () => {
    const nonce = await freshNonce(t.app);
    const first = await signed(t.app, { method: 'GET', url: `${V1}/orgs`, ...boot, nonce, nc: '00000001', cnonce: 'abc' });
    assert.equal(first.statusCode, 200);
    // byte-identical replay
    assertChallenge(await signed(t.app, { method: 'GET', url: `${V1}/orgs`, ...boot, nonce, nc: '00000001', cnonce: 'abc' }));
    // same pair with another cnonce is still a replay of the pair
    assertChallenge(await signed(t.app, { method: 'GET', url: `${V1}/orgs`, ...boot, nonce, nc: '00000001', cnonce: 'def' }));
    assert.equal((await signed(t.app, { method: 'GET', url: `${V1}/orgs`, ...boot, nonce, nc: '00000002' })).statusCode, 200);
    assert.equal((await signed(t.app, { method: 'GET', url: `${V2}/orgs`, ...boot, nonce, nc: '00000005', headers: { accept: 'application/vnd.atlas.2023-01-01+json' } })).statusCode, 200);
    // concurrent clients may deliver counts out of order: an unused lower nc is fine, a used one is not
    assert.equal((await signed(t.app, { method: 'GET', url: `${V1}/orgs`, ...boot, nonce, nc: '00000003' })).statusCode, 200);
    assertChallenge(await signed(t.app, { method: 'GET', url: `${V1}/orgs`, ...boot, nonce, nc: '00000005' }));
  });

  test('a replay is refused even when the first use failed later in the pipeline', async () => {
    const nonce = await freshNonce(t.app);
    const res = await signed(t.app, { method: 'GET', url: `${V1}/groups/aaaaaaaaaaaaaaaaaaaaaaaa`, ...boot, nonce });
    assertError(res, 404, 'GROUP_NOT_FOUND', 'No group with ID aaaaaaaaaaaaaaaaaaaaaaaa exists.', ['aaaaaaaaaaaaaaaaaaaaaaaa']);
    assertChallenge(await signed(t.app, { method: 'GET', url: `${V1}/groups/aaaaaaaaaaaaaaaaaaaaaaaa`, ...boot, nonce }));
  });

  test('a response is bound to its method and URI', async () => {
    const nonce = await freshNonce(t.app);
    const auth = (nc: string) => digestAuthorization({ method: 'GET', url: `${V1}/orgs`, ...boot, nonce, nc, cnonce: 'c1' });
    assert.equal((await t.app.inject({ method: 'GET', url: `${V1}/orgs`, headers: { authorization: auth('00000001') } })).statusCode, 200);
    // the same signature on another path, or with another method, does not verify
    assertChallenge(await t.app.inject({ method: 'GET', url: `${V1}/groups`, headers: { authorization: auth('00000002') } }));
    assertChallenge(await t.app.inject({ method: 'DELETE', url: `${V1}/orgs`, headers: { authorization: auth('00000003') } }));
    // a uri naming another path than the request target is refused even if its response is right for that uri
    const forOther = digestAuthorization({ method: 'GET', url: `${V1}/groups`, ...boot, nonce, nc: '00000004' });
    assertChallenge(await t.app.inject({ method: 'GET', url: `${V1}/orgs`, headers: { authorization: forOther } }));
  });

  test('a nonce the server never issued is refused', async () => {
    assertChallenge(await signed(t.app, { method: 'GET', url: `${V1}/orgs`, ...boot, nonce: 'f'.repeat(64) }));
    assertChallenge(await signed(t.app, { method: 'GET', url: `${V1}/orgs`, ...boot, nonce: 'NSAKm++K2BQJYzcgPMhbHV58yB2M3vCv' }));
  });

  test('a uri without the query string (as axios-digest-auth sends) is accepted', async () => {
    const nonce = await freshNonce(t.app);
    const res = await signed(t.app, { method: 'GET', url: `${V1}/orgs?pageNum=1`, ...boot, nonce });
    assert.equal(res.statusCode, 200);
    const nonce2 = await freshNonce(t.app);
    const authorization = digestAuthorization({ method: 'GET', url: `${V1}/orgs?pageNum=1`, uri: `${V1}/orgs`, ...boot, nonce: nonce2 });
    const bare = await t.app.inject({ method: 'GET', url: `${V1}/orgs?pageNum=1`, headers: { authorization } });
    assert.equal(bare.statusCode, 200);
  });

  test('authorization failures after authentication are Atlas errors, not challenges', async () => {
    const key = await createOrgKey(t.app, t.orgId, ['ORG_MEMBER']);
    const res = await digest(t.app, { method: 'POST', url: `${V1}/orgs/${t.orgId}/apiKeys`, user: key.publicKey, pass: key.privateKey, body: { desc: 'x', roles: ['ORG_MEMBER'] } });
    assertError(res, 401, 'USER_UNAUTHORIZED', 'Current user is not authorized to perform this action.');
    assert.equal(res.headers['www-authenticate'], undefined);
    assert.notEqual(res.body, CHALLENGE_BODY);
  });
});
