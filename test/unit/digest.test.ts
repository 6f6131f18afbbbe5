import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  REALM,
  NonceService,
  ReplayGuard,
  challengeHeader,
  computeHa1,
  parseDigestAuthorization,
  uriMatchesRequest,
  verifyResponse,
  type DigestCredentials,
} from '../../src/auth/digest.ts';

const PUB = 'pubkey123';
const PRIV = 'priv-key-456';
const SECRET = Buffer.from('0123456789abcdef0123456789abcdef', 'utf8');
const GROUP_PATH = '/api/atlas/v1.0/groups/5f0000000000000000000001/privateEndpoint/AWS/endpointService';

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

interface ClientInputs {
  method: string;
  uri: string;
  nonce: string;
  nc?: string;
  cnonce?: string;
  password?: string;
}

/** Response as a real client computes it (RFC 2617 §3.2.2), written out independently of the module. */
function clientResponse(i: ClientInputs): string {
  const ha1 = md5(`${PUB}:MMS Public API:${i.password ?? PRIV}`);
  const ha2 = md5(`${i.method}:${i.uri}`);
  if (i.nc === undefined) return md5(`${ha1}:${i.nonce}:${ha2}`);
  return md5(`${ha1}:${i.nonce}:${i.nc}:${i.cnonce}:auth:${ha2}`);
}

function clock(start = 1_760_000_000_000): { now: () => number; advance: (ms: number) => void; set: (t: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    set: (v: number) => {
      t = v;
    },
  };
}

const NONCE_HEX = 'a3f1c2d4e5b60718293a4b5c6d7e8f90a3f1c2d4e5b60718293a4b5c6d7e8f90';

interface ClientCase {
  name: string;
  method: string;
  requestUrl: string;
  uri: string;
  nc?: string;
  cnonce?: string;
  header: (response: string) => string;
  expect: Partial<DigestCredentials>;
}

const clientCases: ClientCase[] = [
  {
    name: 'curl 7.88.1',
    method: 'GET',
    requestUrl: `${GROUP_PATH}?pretty=true&itemsPerPage=5`,
    uri: `${GROUP_PATH}?pretty=true&itemsPerPage=5`,
    nc: '00000001',
    cnonce: 'N2VjYzFlYjQ0ZTg1ZmYxNDM4ZjYyYzU1NzA3ZjAxMGI0YzY0ZjA1ZTg2MGI=',
    header: (r) =>
      `Digest username="pubkey123", realm="MMS Public API", nonce="${NONCE_HEX}", uri="${GROUP_PATH}?pretty=true&itemsPerPage=5", cnonce="N2VjYzFlYjQ0ZTg1ZmYxNDM4ZjYyYzU1NzA3ZjAxMGI0YzY0ZjA1ZTg2MGI=", nc=00000001, qop=auth, response="${r}", algorithm=MD5`,
    expect: { qop: 'auth', nc: '00000001', algorithm: 'MD5' },
  },
  {
    name: 'python requests 2.34.2 (quoted algorithm and qop, opaque echoed)',
    method: 'POST',
    requestUrl: `${GROUP_PATH}?pretty=true&itemsPerPage=5`,
    uri: `${GROUP_PATH}?pretty=true&itemsPerPage=5`,
    nc: '00000002',
    cnonce: '9d8ca08e2afa69b6',
    header: (r) =>
      `Digest username="pubkey123", realm="MMS Public API", nonce="${NONCE_HEX}", uri="${GROUP_PATH}?pretty=true&itemsPerPage=5", response="${r}", opaque="b3BhcXVl", algorithm="MD5", qop="auth", nc=00000002, cnonce="9d8ca08e2afa69b6"`,
    expect: { qop: 'auth', nc: '00000002', algorithm: 'MD5', opaque: 'b3BhcXVl', cnonce: '9d8ca08e2afa69b6' },
  },
  {
    name: 'urllib 4.9.2 (no algorithm, global nc counter)',
    method: 'DELETE',
    requestUrl: `${GROUP_PATH}?pretty=true`,
    uri: `${GROUP_PATH}?pretty=true`,
    nc: '00000005',
    cnonce: '665f27ed627d7ee8',
    header: (r) =>
      `Digest username="pubkey123", realm="MMS Public API", nonce="${NONCE_HEX}", uri="${GROUP_PATH}?pretty=true", response="${r}", qop=auth, nc=00000005, cnonce="665f27ed627d7ee8"`,
    expect: { qop: 'auth', nc: '00000005', algorithm: undefined },
  },
  {
    name: 'digest-fetch 3.1.1 (no spaces, fragment in uri)',
    method: 'GET',
    requestUrl: `${GROUP_PATH}?pretty=true`,
    uri: `${GROUP_PATH}?pretty=true#top`,
    nc: '00000003',
    cnonce: '1ba62b3ddb9c9fd55b2c78e91a3a5de7',
    header: (r) =>
      `Digest username="pubkey123",realm="MMS Public API",nonce="${NONCE_HEX}",uri="${GROUP_PATH}?pretty=true#top",opaque="xyz",qop=auth,algorithm=MD5,response="${r}",nc=00000003,cnonce="1ba62b3ddb9c9fd55b2c78e91a3a5de7"`,
    expect: { qop: 'auth', nc: '00000003', algorithm: 'MD5', opaque: 'xyz' },
  },
  {
    name: '@mhoc/axios-digest-auth 0.8.0 (quoted nc, query dropped from uri)',
    method: 'GET',
    requestUrl: `${GROUP_PATH}?pretty=true`,
    uri: GROUP_PATH,
    nc: '00000001',
    cnonce: 'b0bd4f2e9a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c',
    header: (r) =>
      `Digest username="pubkey123",realm="MMS Public API",nonce="${NONCE_HEX}",uri="${GROUP_PATH}",qop="auth",algorithm="MD5",response="${r}",nc="00000001",cnonce="b0bd4f2e9a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c"`,
    expect: { qop: 'auth', nc: '00000001', algorithm: 'MD5', opaque: undefined },
  },
  {
    name: 'RFC 2069 style (no qop, nc, cnonce), lower-case scheme',
    method: 'GET',
    requestUrl: '/api/atlas/v2/groups',
    uri: '/api/atlas/v2/groups',
    header: (r) =>
      `digest username="pubkey123", realm="MMS Public API", nonce="${NONCE_HEX}", uri="/api/atlas/v2/groups", response="${r}"`,
    expect: { qop: undefined, nc: undefined, cnonce: undefined },
  },
];

for (const c of clientCases) {
  test(`real client header parses and verifies: ${c.name}`, () => {
    const response = clientResponse({ method: c.method, uri: c.uri, nonce: NONCE_HEX, nc: c.nc, cnonce: c.cnonce });
    const creds = parseDigestAuthorization(c.header(response));
    assert.ok(creds, 'header should parse');
    assert.equal(creds.username, PUB);
    assert.equal(creds.realm, REALM);
    assert.equal(creds.nonce, NONCE_HEX);
    assert.equal(creds.uri, c.uri);
    assert.equal(creds.response, response);
    for (const [k, v] of Object.entries(c.expect)) {
      assert.equal(creds[k as keyof DigestCredentials], v, `directive ${k}`);
    }
    const ha1 = computeHa1(PUB, REALM, PRIV);
    assert.equal(ha1, md5(`${PUB}:${REALM}:${PRIV}`));
    assert.equal(verifyResponse(creds, c.method, ha1), true);
    assert.equal(uriMatchesRequest(creds.uri, c.requestUrl), true);

    assert.equal(verifyResponse(creds, c.method, computeHa1(PUB, REALM, 'wrong-password')), false, 'wrong password');
    assert.equal(verifyResponse(creds, c.method === 'GET' ? 'POST' : 'GET', ha1), false, 'other method');
    assert.equal(verifyResponse({ ...creds, uri: `${creds.uri}x` }, c.method, ha1), false, 'other uri');
    assert.equal(verifyResponse({ ...creds, nonce: `${creds.nonce}0` }, c.method, ha1), false, 'other nonce');
    if (c.nc !== undefined) {
      assert.equal(verifyResponse({ ...creds, nc: '00000009' }, c.method, ha1), false, 'other nc');
      assert.equal(verifyResponse({ ...creds, cnonce: 'deadbeef' }, c.method, ha1), false, 'other cnonce');
    }
  });
}

test('RFC 2617 §3.5 published example verifies', () => {
  const header =
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
    'uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", ' +
    'response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
  const creds = parseDigestAuthorization(header);
  assert.ok(creds);
  assert.equal(verifyResponse(creds, 'GET', computeHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life')), true);
  assert.equal(verifyResponse(creds, 'GET', computeHa1('Mufasa', 'testrealm@host.com', 'circle of life')), false);
});

test('verifyResponse accepts MD5 in any case and an upper-case response, refuses other algorithms and qops', () => {
  const nc = '00000001';
  const cnonce = 'abcdef0123456789';
  const uri = '/api/atlas/v2/groups';
  const response = clientResponse({ method: 'GET', uri, nonce: NONCE_HEX, nc, cnonce });
  const base: DigestCredentials = { username: PUB, realm: REALM, nonce: NONCE_HEX, uri, response, qop: 'auth', nc, cnonce };
  const ha1 = computeHa1(PUB, REALM, PRIV);
  assert.equal(verifyResponse(base, 'GET', ha1), true);
  assert.equal(verifyResponse({ ...base, algorithm: 'md5' }, 'GET', ha1), true);
  assert.equal(verifyResponse({ ...base, response: response.toUpperCase() }, 'GET', ha1), true);
  assert.equal(verifyResponse(base, 'GET', ha1.toUpperCase()), true);
  for (const algorithm of ['MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', '']) {
    assert.equal(verifyResponse({ ...base, algorithm }, 'GET', ha1), false, algorithm);
  }
  for (const qop of ['auth-int', 'AUTH', 'auth,auth-int', '']) {
    assert.equal(verifyResponse({ ...base, qop }, 'GET', ha1), false, qop);
  }
  const { nc: _nc, ...withoutNc } = base;
  const { cnonce: _cn, ...withoutCnonce } = base;
  assert.equal(verifyResponse(withoutNc, 'GET', ha1), false, 'qop=auth without nc');
  assert.equal(verifyResponse(withoutCnonce, 'GET', ha1), false, 'qop=auth without cnonce');
  assert.equal(verifyResponse({ ...base, response: 'not-hex' }, 'GET', ha1), false);
  assert.equal(verifyResponse({ ...base, response: `${response}00` }, 'GET', ha1), false);
  assert.equal(verifyResponse(base, 'GET', 'zz'), false);
  assert.equal(verifyResponse(base, 'GET', computeHa1(PUB, 'Other Realm', PRIV)), false, 'HA1 binds the realm');
});

test('computeHa1 is lower-case hex MD5 of user:realm:pass', () => {
  assert.equal(computeHa1('a', 'b', 'c'), md5('a:b:c'));
  assert.match(computeHa1(PUB, REALM, PRIV), /^[0-9a-f]{32}$/);
  assert.equal(computeHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life'), '939e7578ed9e3c518a452acee763bce9');
});

test('parser tolerates whitespace, escapes, unknown directives and any order', () => {
  const creds = parseDigestAuthorization(
    '  DIGEST   Username = "pub\\"key" ,REALM="MMS Public API",, userhash=false, nonce=abc ,uri="/x?a=1,b=2", response="r"  ,',
  );
  assert.deepEqual(creds, { username: 'pub"key', realm: REALM, nonce: 'abc', uri: '/x?a=1,b=2', response: 'r' });
  const tabbed = parseDigestAuthorization('Digest\tresponse="r",\turi="/",\tnonce="n",\trealm="x",\tusername="u"');
  assert.deepEqual(tabbed, { username: 'u', realm: 'x', nonce: 'n', uri: '/', response: 'r' });
  const unicode = parseDigestAuthorization('Digest username="ключ-🔑", realm="MMS Public API", nonce="n", uri="/", response="r"');
  assert.equal(unicode?.username, 'ключ-🔑');
});

test('garbage headers return null without throwing', () => {
  const valid = 'Digest username="u", realm="r", nonce="n", uri="/", response="x"';
  assert.ok(parseDigestAuthorization(valid));
  const garbage: string[] = [
    '',
    ' ',
    'Digest',
    'Digest ',
    'Digestusername="u"',
    'Basic cHVia2V5MTIzOnByaXYta2V5LTQ1Ng==',
    'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x',
    'Digest username="u, realm="r", nonce="n", uri="/", response="x"',
    'Digest username="u", realm="r", nonce="n", uri="/", response="x',
    'Digest username="u", realm="r", nonce="n", uri="/", response="x\\',
    'Digest username="u", realm="r", nonce="n", response="x", uri="/a\\"',
    'Digest username=u"x", realm="r", nonce="n", uri="/", response="x"',
    'Digest username="u" realm="r", nonce="n", uri="/", response="x"',
    'Digest username="u", realm="r", nonce="n", uri="/", response=',
    'Digest username="u", realm="r", nonce="n", uri="/", response',
    'Digest =, ==, "="',
    'Digest ' + ','.repeat(10 * 1024),
    ','.repeat(10 * 1024),
    'Digest ' + 'a=b,'.repeat(3000),
    'Digest ' + '"'.repeat(10 * 1024),
    '\u{1F511}\u{1F511} \u00e9\u00e8=\u4e2d\u6587, \uFFFD',
    'Dígest username="u", realm="r", nonce="n", uri="/", response="x"',
    'Digest ü="u", realm="r", nonce="n", uri="/", response="x"',
    'Digest username="u", realm="r", nonce="n", uri="/", response="x"\r\nX-Injected: 1',
    'Digest username="u\u0000", realm="r", nonce="n", uri="/", response="x"',
    'Digest username="u", username="v", realm="r", nonce="n", uri="/", response="x"',
    'Digest username="", realm="r", nonce="n", uri="/", response="x"',
    'Digest realm="r", nonce="n", uri="/", response="x"',
    'Digest username="u", nonce="n", uri="/", response="x"',
    'Digest username="u", realm="r", uri="/", response="x"',
    'Digest username="u", realm="r", nonce="n", response="x"',
    'Digest username="u", realm="r", nonce="n", uri="/"',
    valid.repeat(2000),
    'Digest username="' + 'a'.repeat(70_000) + '", realm="r", nonce="n", uri="/", response="x"',
  ];
  for (const h of garbage) {
    assert.doesNotThrow(() => parseDigestAuthorization(h));
    assert.equal(parseDigestAuthorization(h), null, JSON.stringify(h.slice(0, 80)));
  }
  for (const h of [undefined, null, 42, {}, [], Symbol('x')]) {
    assert.equal(parseDigestAuthorization(h as unknown as string), null);
  }
});

test('parser never throws on pseudo-random input (seeded, bounded)', () => {
  let seed = 0x9e3779b9;
  const rand = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const alphabet = ['Digest ', 'username', 'realm', 'nonce', 'uri', 'response', 'qop', 'nc', '=', '"', '\\', ',', ' ', 'a', '0', 'é', '\u{1F600}', '\t', '\u0001'];
  for (let k = 0; k < 3000; k++) {
    let s = rand(4) === 0 ? '' : 'Digest ';
    const len = rand(40);
    for (let j = 0; j < len; j++) s += alphabet[rand(alphabet.length)];
    const result = parseDigestAuthorization(s);
    if (result !== null) {
      for (const key of ['username', 'realm', 'nonce', 'uri', 'response'] as const) {
        assert.equal(typeof result[key], 'string');
        assert.ok(result[key].length > 0);
      }
    }
  }
});

test('uriMatchesRequest', () => {
  const yes: Array<[string, string]> = [
    ['/a/b?x=1&y=2', '/a/b?x=1&y=2'],
    ['/a/b', '/a/b?x=1&y=2'],
    ['/a/b', '/a/b'],
    ['/a/b?x=1#frag', '/a/b?x=1'],
    ['/a/b#frag', '/a/b'],
    ['/a/b', '/a/b?'],
    ['http://localhost:8080/a/b?x=1', '/a/b?x=1'],
    ['https://cloud.example.com/a/b', '/a/b?x=1'],
    ['http://host?x=1', '/?x=1'],
    ['http://host', '/'],
    ['/a/b?x=1', 'http://host/a/b?x=1'],
  ];
  const no: Array<[string, string]> = [
    ['/a/b?x=2', '/a/b?x=1'],
    ['/a/b?x=1', '/a/b'],
    ['/a/c', '/a/b'],
    ['/a/b/', '/a/b'],
    ['/a', '/a/b'],
    ['/A/b', '/a/b'],
    ['/a/b%2F', '/a/b/'],
    ['', '/'],
    ['#frag', '/'],
    ['/a/b', ''],
    ['http://host/other?x=1', '/a/b?x=1'],
    ['/a/b?x=1&y=2', '/a/b?x=1'],
  ];
  for (const [uri, req] of yes) assert.equal(uriMatchesRequest(uri, req), true, `${uri} vs ${req}`);
  for (const [uri, req] of no) assert.equal(uriMatchesRequest(uri, req), false, `${uri} vs ${req}`);
  assert.equal(uriMatchesRequest(undefined as unknown as string, '/'), false);
});

test('NonceService issues hex nonces free of characters clients mangle', () => {
  const svc = new NonceService(SECRET, { ttlMs: 60_000 });
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const n = svc.issue();
    assert.match(n, /^[0-9a-f]{64}$/);
    assert.doesNotMatch(n, /[=,"' ]/);
    assert.equal(svc.check(n), 'valid');
    seen.add(n);
  }
  assert.equal(seen.size, 50);
});

test('NonceService: valid within ttl, stale after, invalid from the future (injected clock)', () => {
  const c = clock();
  const svc = new NonceService(SECRET, { ttlMs: 300_000, now: c.now });
  const n = svc.issue();
  assert.equal(svc.check(n), 'valid');
  c.advance(300_000);
  assert.equal(svc.check(n), 'valid', 'exactly ttl old is still valid');
  c.advance(1);
  assert.equal(svc.check(n), 'stale');
  c.advance(10 * 86_400_000);
  assert.equal(svc.check(n), 'stale');

  const future = clock();
  future.advance(60_000);
  const fromFuture = new NonceService(SECRET, { ttlMs: 300_000, now: future.now }).issue();
  const present = new NonceService(SECRET, { ttlMs: 300_000, now: clock().now });
  assert.equal(present.check(fromFuture), 'invalid', 'a minute ahead is beyond the skew');

  const slightlyAhead = clock();
  slightlyAhead.advance(2_000);
  const skewed = new NonceService(SECRET, { ttlMs: 300_000, now: slightlyAhead.now }).issue();
  assert.equal(present.check(skewed), 'valid', 'small clock skew between nodes is tolerated');

  const strict = new NonceService(SECRET, { ttlMs: 300_000, now: clock().now, clockSkewMs: 0 });
  assert.equal(strict.check(skewed), 'invalid');
});

test('NonceService: tampered or malformed nonces are invalid', () => {
  const svc = new NonceService(SECRET, { ttlMs: 60_000 });
  const n = svc.issue();
  const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);
  for (const i of [0, 15, 16, 31, 32, 63]) assert.equal(svc.check(flip(n, i)), 'invalid', `flip at ${i}`);
  const bad = [
    '',
    n.slice(0, 63),
    `${n}0`,
    n.toUpperCase(),
    `${n.slice(0, 62)}zz`,
    Buffer.from(n, 'hex').toString('base64'),
    '669gyxpgL6MGDuSZvQ80Spv3k+Jc99ed',
    ' '.repeat(64),
    'a'.repeat(10_000),
  ];
  for (const b of bad) assert.equal(svc.check(b), 'invalid', JSON.stringify(b.slice(0, 70)));
  assert.equal(svc.check(undefined as unknown as string), 'invalid');
});

test('NonceService: a nonce from one node verifies on another with the same secret only', () => {
  const c = clock();
  const a = new NonceService(SECRET, { ttlMs: 60_000, now: c.now });
  const b = new NonceService(Buffer.from(SECRET), { ttlMs: 60_000, now: c.now });
  const other = new NonceService(Buffer.from('another-secret-of-32-bytes-length', 'utf8'), { ttlMs: 60_000, now: c.now });
  const n = a.issue();
  assert.equal(b.check(n), 'valid');
  assert.equal(other.check(n), 'invalid');
  c.advance(60_001);
  assert.equal(b.check(n), 'stale');
  assert.equal(other.check(n), 'invalid', 'a foreign nonce is never merely stale');
});

test('NonceService rejects weak configuration', () => {
  assert.throws(() => new NonceService(Buffer.alloc(8), { ttlMs: 1000 }), RangeError);
  assert.throws(() => new NonceService(SECRET, { ttlMs: 0 }), RangeError);
  assert.throws(() => new NonceService(SECRET, { ttlMs: Number.NaN }), RangeError);
  assert.throws(() => new NonceService(SECRET, { ttlMs: 1000, clockSkewMs: -1 }), RangeError);
});

test('NonceService copies its secret', () => {
  const secret = Buffer.from(SECRET);
  const svc = new NonceService(secret, { ttlMs: 60_000 });
  const n = svc.issue();
  secret.fill(0);
  assert.equal(svc.check(n), 'valid');
});

test('ReplayGuard refuses exact repeats only', () => {
  const c = clock();
  const g = new ReplayGuard({ ttlMs: 300_000, now: c.now });
  assert.equal(g.use('n1', '00000001'), true);
  assert.equal(g.use('n1', '00000001'), false, 'replay');
  assert.equal(g.use('n1', '00000003'), true, 'nonce reuse with a higher nc (requests, digest-fetch)');
  assert.equal(g.use('n1', '00000002'), true, 'out of order nc from concurrent requests');
  assert.equal(g.use('n1', '00000002'), false);
  assert.equal(g.use('n2', '00000005'), true, 'fresh nonce with a process-global counter (urllib)');
  assert.equal(g.use('n2', '00000001'), true);
  assert.equal(g.use('n3', ''), true, 'RFC 2069: no nc');
  assert.equal(g.use('n3', ''), false, 'RFC 2069 nonces are single-use');
  assert.equal(g.use('n3', undefined as unknown as string), false, 'absent nc is the empty string');
  assert.equal(g.use('n4:', '1'), true);
  assert.equal(g.use('n4', ':1'), true, 'pair encoding is unambiguous');
  assert.equal(g.size, 8);
});

test('ReplayGuard remembers a pair for at least ttl, then forgets it', () => {
  const c = clock();
  const ttl = 300_000;
  const g = new ReplayGuard({ ttlMs: ttl, now: c.now });
  assert.equal(g.use('n', '00000001'), true);
  c.advance(ttl - 1);
  assert.equal(g.use('n', '00000001'), false, 'still remembered just before ttl');
  c.advance(1);
  assert.equal(g.use('n', '00000001'), false, 'still remembered at ttl');
  c.advance(2 * ttl);
  assert.equal(g.use('other', '00000001'), true);
  assert.equal(g.size, 1, 'expired buckets swept');
  assert.equal(g.use('n', '00000001'), true, 'forgotten after expiry (the nonce itself is stale by then)');
});

test('ReplayGuard memory stays bounded by maxEntries and by time', () => {
  const c = clock();
  const g = new ReplayGuard({ ttlMs: 60_000, now: c.now, maxEntries: 100 });
  for (let i = 0; i < 1000; i++) {
    assert.equal(g.use(`nonce-${i}`, '00000001'), true);
    assert.ok(g.size <= 100);
    c.advance(7);
  }
  assert.equal(g.size, 100);
  assert.equal(g.use('nonce-999', '00000001'), false, 'the newest entries are kept');
  assert.equal(g.use('nonce-0', '00000001'), true, 'the oldest were evicted');

  const long = 'x'.repeat(20_000);
  assert.equal(g.use(long, '1'), true);
  assert.equal(g.use(long, '1'), false, 'long keys are still tracked');
  assert.equal(g.use(long, '2'), true);

  c.advance(10 * 60_000);
  assert.equal(g.use('late', '1'), true);
  assert.equal(g.size, 1, 'everything older than ttl swept');
});

test('ReplayGuard rejects bad configuration', () => {
  assert.throws(() => new ReplayGuard({ ttlMs: 0 }), RangeError);
  assert.throws(() => new ReplayGuard({ ttlMs: 1000, maxEntries: 0 }), RangeError);
  assert.throws(() => new ReplayGuard({ ttlMs: 1000, maxEntries: 1.5 }), RangeError);
});

test('challengeHeader matches the Atlas challenge byte for byte', () => {
  assert.equal(
    challengeHeader('669gyxpgL6MGDuSZvQ80Spv3k+Jc99ed', false),
    'Digest realm="MMS Public API", domain="", nonce="669gyxpgL6MGDuSZvQ80Spv3k+Jc99ed", algorithm=MD5, qop="auth", stale=false',
  );
  assert.equal(
    challengeHeader(NONCE_HEX, true),
    `Digest realm="MMS Public API", domain="", nonce="${NONCE_HEX}", algorithm=MD5, qop="auth", stale=true`,
  );
  for (const bad of ['', 'a"b', 'a,b', 'a b', 'ab==', 'a\r\nX: y', 'ключ']) {
    assert.throws(() => challengeHeader(bad, false), TypeError, JSON.stringify(bad));
  }
});

test('end to end: challenge, urllib-style challenge parsing, authenticated retry, replay', () => {
  const c = clock();
  const nodeA = new NonceService(SECRET, { ttlMs: 300_000, now: c.now });
  const nodeB = new NonceService(SECRET, { ttlMs: 300_000, now: c.now });
  const guard = new ReplayGuard({ ttlMs: 310_000, now: c.now });
  const challenge = challengeHeader(nodeA.issue(), false);

  const fields: Record<string, string> = {};
  for (const part of challenge.replace(/^Digest /, '').split(',')) {
    const m = /(\w+)=["']?([^'"]+)["']?/.exec(part);
    if (m) fields[m[1]!] = m[2]!;
  }
  assert.equal(fields.realm, REALM);
  assert.equal(fields.qop, 'auth');
  const nonce = fields.nonce!;
  assert.equal(nodeA.check(nonce), 'valid');

  const requestUrl = `${GROUP_PATH}?pretty=true`;
  const nc = '00000007';
  const cnonce = '665f27ed627d7ee8';
  const response = clientResponse({ method: 'POST', uri: requestUrl, nonce, nc, cnonce });
  const header = `Digest username="${PUB}", realm="${fields.realm}", nonce="${nonce}", uri="${requestUrl}", response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}"`;

  const authenticate = (h: string, svc: NonceService): string => {
    const creds = parseDigestAuthorization(h);
    if (!creds) return 'unparsable';
    if (!uriMatchesRequest(creds.uri, requestUrl)) return 'uri-mismatch';
    const state = svc.check(creds.nonce);
    if (state !== 'valid') return state;
    if (!verifyResponse(creds, 'POST', computeHa1(creds.username, REALM, PRIV))) return 'bad-response';
    return guard.use(creds.nonce, creds.nc ?? '') ? 'ok' : 'replay';
  };
  assert.equal(authenticate(header, nodeB), 'ok');
  assert.equal(authenticate(header, nodeB), 'replay');
  c.advance(300_001);
  assert.equal(authenticate(header, nodeA), 'stale');
});
