import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prettyJson } from '../../src/api/pretty-json.ts';

/** Independent recursive rendering of Jackson's DefaultPrettyPrinter over plain JSON data. */
function jackson(v: unknown, level = 0): string {
  if (Array.isArray(v)) {
    return v.length === 0 ? '[ ]' : '[ ' + v.map((x) => jackson(x, level)).join(', ') + ' ]';
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{ }';
    const pad = '  '.repeat(level + 1);
    const body = keys.map((k) => `\n${pad}${JSON.stringify(k)} : ${jackson((v as Record<string, unknown>)[k], level + 1)}`);
    return '{' + body.join(',') + '\n' + '  '.repeat(level) + '}';
  }
  return JSON.stringify(v);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRING_ALPHABET = ['a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', '€', '\u2028', '😀', '\ud800', '\udfff', ':', ',', '{', ']'];

function randomValue(rand: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const str = (): string => {
    const n = Math.floor(rand() * 8);
    let s = '';
    for (let i = 0; i < n; i++) s += pick(STRING_ALPHABET);
    return s;
  };
  const r = rand();
  if (depth <= 0 || r < 0.45) {
    switch (Math.floor(rand() * 12)) {
      case 0:
        return null;
      case 1:
        return rand() < 0.5;
      case 2:
        return Math.floor(rand() * 2000) - 1000;
      case 3:
        return (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
      case 4:
        return pick([0, -0, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 1e21, 1e-7]);
      case 5:
        return undefined;
      case 6:
        return new Date(Math.floor(rand() * 2e12));
      case 7:
        return pick([new Number(3), new String('boxed'), new Boolean(false)]);
      case 8:
        return { toJSON: (key: string) => ({ fromToJSON: key }) };
      default:
        return str();
    }
  }
  if (r < 0.7) {
    const n = Math.floor(rand() * 5);
    const arr: unknown[] = [];
    for (let i = 0; i < n; i++) arr.push(randomValue(rand, depth - 1));
    if (rand() < 0.1) arr.push(() => 1);
    return arr;
  }
  const n = Math.floor(rand() * 5);
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) obj[str()] = randomValue(rand, depth - 1);
  if (rand() < 0.1) obj.fn = () => 1;
  if (rand() < 0.1) obj.sym = Symbol('x');
  return obj;
}

test('the recorded Atlas 401 body is reproduced byte for byte', () => {
  const body = {
    error: 401,
    reason: 'Unauthorized',
    detail: 'You are not authorized for this resource.',
    errorCode: 'UNEXPECTED_ERROR',
  };
  assert.equal(
    prettyJson(body),
    '{\n' +
      '  "error" : 401,\n' +
      '  "reason" : "Unauthorized",\n' +
      '  "detail" : "You are not authorized for this resource.",\n' +
      '  "errorCode" : "UNEXPECTED_ERROR"\n' +
      '}',
  );
});

test('empty containers', () => {
  assert.equal(prettyJson({}), '{ }');
  assert.equal(prettyJson([]), '[ ]');
  assert.equal(prettyJson({ a: {}, b: [] }), '{\n  "a" : { },\n  "b" : [ ]\n}');
  assert.equal(prettyJson([{}, []]), '[ { }, [ ] ]');
});

test('scalars at the root', () => {
  assert.equal(prettyJson(null), 'null');
  assert.equal(prettyJson(true), 'true');
  assert.equal(prettyJson(-1.5e-7), '-1.5e-7');
  assert.equal(prettyJson(NaN), 'null');
  assert.equal(prettyJson('a"b\n\u2028'), JSON.stringify('a"b\n\u2028'));
});

test('nested objects indent two spaces per object level', () => {
  assert.equal(
    prettyJson({ a: { b: { c: 1 } }, d: 2 }),
    '{\n  "a" : {\n    "b" : {\n      "c" : 1\n    }\n  },\n  "d" : 2\n}',
  );
});

test('arrays stay inline and objects inside them open on the same line', () => {
  assert.equal(prettyJson([1, 2]), '[ 1, 2 ]');
  assert.equal(prettyJson([[1, []], 'x']), '[ [ 1, [ ] ], "x" ]');
  assert.equal(prettyJson([{ a: 1 }, { b: 2 }]), '[ {\n  "a" : 1\n}, {\n  "b" : 2\n} ]');
  assert.equal(
    prettyJson({ results: [{ id: 'x', tags: ['a'] }], n: 1 }),
    '{\n  "results" : [ {\n    "id" : "x",\n    "tags" : [ "a" ]\n  } ],\n  "n" : 1\n}',
  );
});

test('an endpoint service body with nulls keeps key order and explicit nulls', () => {
  const body = {
    cloudProvider: 'AWS',
    endpointServiceName: null,
    errorMessage: null,
    id: '6a793f68c0eb9e7a17715835',
    interfaceEndpoints: [],
    regionName: 'EU_WEST_1',
    status: 'INITIATING',
    supportedRemoteRegions: null,
  };
  assert.equal(
    prettyJson(body),
    [
      '{',
      '  "cloudProvider" : "AWS",',
      '  "endpointServiceName" : null,',
      '  "errorMessage" : null,',
      '  "id" : "6a793f68c0eb9e7a17715835",',
      '  "interfaceEndpoints" : [ ],',
      '  "regionName" : "EU_WEST_1",',
      '  "status" : "INITIATING",',
      '  "supportedRemoteRegions" : null',
      '}',
    ].join('\n'),
  );
});

test('members JSON.stringify drops are dropped, array holes become null', () => {
  assert.equal(prettyJson({ a: undefined, b: 1, c: () => 0, d: Symbol('s') }), '{\n  "b" : 1\n}');
  assert.equal(prettyJson({ a: undefined }), '{ }');
  assert.equal(prettyJson([undefined, () => 0, Symbol('s')]), '[ null, null, null ]');
  assert.equal(prettyJson(new Array(2)), '[ null, null ]');
});

test('toJSON and boxed primitives behave as in JSON.stringify', () => {
  assert.equal(prettyJson({ at: new Date(0) }), '{\n  "at" : "1970-01-01T00:00:00.000Z"\n}');
  assert.equal(prettyJson({ k: { toJSON: (key: string) => key + '!' } }), '{\n  "k" : "k!"\n}');
  assert.equal(prettyJson([{ toJSON: (key: string) => key }]), '[ "0" ]');
  assert.equal(prettyJson([new Number(1), new String('s'), new Boolean(true)]), '[ 1, "s", true ]');
  assert.equal(prettyJson({ a: { toJSON: () => undefined }, b: 1 }), '{\n  "b" : 1\n}');
  assert.throws(() => prettyJson({ toJSON: () => undefined }), TypeError);
});

test('unserialisable input throws TypeError like JSON.stringify', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  assert.throws(() => prettyJson(cyclic), TypeError);
  const cyclicArray: unknown[] = [];
  cyclicArray.push([cyclicArray]);
  assert.throws(() => prettyJson(cyclicArray), TypeError);
  assert.throws(() => prettyJson({ n: 1n }), TypeError);
  assert.throws(() => prettyJson(undefined), TypeError);
  assert.throws(() => prettyJson(() => 1), TypeError);
  const shared = { x: 1 };
  assert.equal(prettyJson([shared, shared]), '[ {\n  "x" : 1\n}, {\n  "x" : 1\n} ]');
});

test('very deep nesting does not overflow the stack', () => {
  let deepArray: unknown = 0;
  for (let i = 0; i < 100_000; i++) deepArray = [deepArray];
  const out = prettyJson(deepArray);
  assert.equal(out.length, 100_000 * 4 + 1);
  assert.ok(out.startsWith('[ [ [ '));
  let deepObject: unknown = 'leaf';
  for (let i = 0; i < 500; i++) deepObject = { k: deepObject };
  const lines = prettyJson(deepObject).split('\n');
  assert.equal(lines.length, 1001);
  assert.equal(lines[500], '  '.repeat(500) + '"k" : "leaf"');
});

test('2000 seeded random values round-trip and match the reference layout', () => {
  const rand = mulberry32(0x5eed);
  for (let i = 0; i < 2000; i++) {
    const value = i === 0 ? { empty: {}, list: [] } : randomValue(rand, 5);
    const compact = JSON.stringify(value);
    if (compact === undefined) {
      assert.throws(() => prettyJson(value), TypeError);
      continue;
    }
    const pretty = prettyJson(value);
    const expected: unknown = JSON.parse(compact);
    assert.deepEqual(JSON.parse(pretty), expected, `case ${i}: ${compact}`);
    assert.equal(JSON.stringify(JSON.parse(pretty)), compact, `case ${i}: key order`);
    assert.equal(pretty, jackson(expected), `case ${i}: layout`);
  }
});

test('large bodies render quickly', () => {
  const services = Array.from({ length: 20_000 }, (_, i) => ({
    cloudProvider: 'GCP',
    endpointGroupNames: [],
    errorMessage: null,
    id: i.toString(16).padStart(24, '0'),
    portMappingEnabled: false,
    regionName: 'US_EAST_4',
    serviceAttachmentNames: ['projects/p-abc/regions/us-east4/serviceAttachments/sa-0', 'sa-1'],
    status: 'AVAILABLE',
  }));
  const started = performance.now();
  const out = prettyJson(services);
  const elapsed = performance.now() - started;
  assert.deepEqual(JSON.parse(out), services);
  assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
});
