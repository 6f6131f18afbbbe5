import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  REFERENCE_DIR,
  listOperations,
  loadOpenApi,
  type SpecVersion,
  type ValidationResult,
} from '../support/openapi.ts';

interface IndexEntry {
  file: string;
  http: string;
  status: string;
}

const RECORDED_DIR = new URL('recorded/', REFERENCE_DIR);
const index = JSON.parse(readFileSync(new URL('_index.json', RECORDED_DIR), 'utf8')) as IndexEntry[];

/**
 * Differences between the official spec and what Atlas actually sends, each confirmed by the recordings.
 * A recorded body may fail validation only through these; anything else fails the test.
 */
const KNOWN_DIVERGENCES: ReadonlyArray<{ pattern: RegExp; label: string }> = [
  { pattern: /^\/(?:\d+\/)?(\w+) must be string \(got null\)$/, label: 'null where the spec says non-nullable string' },
  {
    pattern: /^\/(?:\d+\/)?(serviceAttachmentNames)\/\d+ must match pattern /,
    label: 'no https:// prefix that the spec pattern requires',
  },
  {
    pattern: /^\/ status (204) declares no response body \(got \{\}\)$/,
    label: 'body {} although the spec declares an empty response',
  },
  { pattern: /^\/(parameters)\/\d+ must be object /, label: 'strings where the spec says array of objects' },
];

function classify(errors: readonly string[]): { summary: string; unknown: string[] } {
  const groups = new Map<string, Set<string>>();
  const unknown: string[] = [];
  for (const e of errors) {
    const known = KNOWN_DIVERGENCES.find((k) => k.pattern.test(e));
    if (!known) {
      unknown.push(e);
      continue;
    }
    const subject = known.pattern.exec(e)![1]!;
    groups.set(known.label, (groups.get(known.label) ?? new Set()).add(subject));
  }
  const parts = [...groups].map(([label, subjects]) => `${label} (${[...subjects].join(', ')})`);
  if (unknown.length > 0) parts.push(`UNEXPECTED: ${unknown.join(' | ')}`);
  return { summary: parts.join('; '), unknown };
}

function describe(result: ValidationResult): string {
  const fallback = result.fellBackFrom === undefined ? '' : ` [${result.fellBackFrom} undeclared, checked as ${result.usedStatus}]`;
  return result.ok ? `${fallback} validates` : `${fallback} does NOT validate: ${classify(result.errors).summary}`;
}

function readBody(file: string): unknown {
  const text = readFileSync(new URL(file, RECORDED_DIR), 'utf8');
  return text.trim() === '' ? undefined : JSON.parse(text);
}

for (const which of ['v2', 'v1'] as const satisfies readonly SpecVersion[]) {
  const validator = loadOpenApi(which);
  for (const entry of index) {
    const [method, recordedPath] = entry.http.split(' ') as [string, string];
    const status = Number.parseInt(entry.status, 10);
    const path = which === 'v1' ? recordedPath.replace('/api/atlas/v2/', '/api/atlas/v1.0/') : recordedPath;
    const body = readBody(entry.file);
    const match = validator.matchOperation(method, path);

    if (match === undefined) {
      if (status >= 400) {
        const result = validator.validateSchema('ApiError', body);
        test(`${which} ${entry.file}: ${method} ${path} is not in the spec; error body vs ApiError${describe(result)}`, () => {
          assert.deepEqual(classify(result.errors).unknown, []);
        });
      } else {
        test(`${which} ${entry.file}: ${method} ${path} is not in the spec`, { skip: 'no matching operation' }, () => {});
      }
      continue;
    }

    const template = match.operation.path;
    const result = validator.validateResponse(method, template, status, body);
    const tail = template.slice(template.indexOf('/privateEndpoint'));
    test(`${which} ${entry.file}: ${method} ${tail} ${status}${describe(result)}`, () => {
      assert.deepEqual(classify(result.errors).unknown, [], 'divergence not in KNOWN_DIVERGENCES');
      const lenient = validator.validateResponse(method, template, status, body, { acceptNullForOptional: true });
      assert.equal(
        lenient.errors.some((e) => /\(got null\)$/.test(e)),
        false,
        `acceptNullForOptional still rejects a null: ${lenient.errors.join(' | ')}`,
      );
      assert.deepEqual(
        lenient.errors,
        result.errors.filter((e) => !/\(got null\)$/.test(e)),
        'acceptNullForOptional must only remove null findings',
      );
    });
  }
}

const V2 = '/api/atlas/v2/groups/{groupId}/privateEndpoint';
const GET_ONE = `${V2}/{cloudProvider}/endpointService/{endpointServiceId}`;
const LIST = `${V2}/{cloudProvider}/endpointService`;

test('the validator rejects a wrong endpoint service body', () => {
  const v2 = loadOpenApi('v2');
  const bad = { cloudProvider: 'AWS', id: 'not-an-object-id', status: 'BOGUS', regionName: 7 };
  for (const options of [undefined, { acceptNullForOptional: true }]) {
    const r = v2.validateResponse('GET', GET_ONE, 200, bad, options);
    assert.equal(r.ok, false);
    assert.ok(r.errors.some((e) => e.includes("'interfaceEndpoints'")), r.errors.join(' | '));
    assert.ok(r.errors.some((e) => e.startsWith('/id must match pattern')), r.errors.join(' | '));
    assert.ok(r.errors.some((e) => e.startsWith('/status must be equal to one of the allowed values')), r.errors.join(' | '));
    assert.ok(r.errors.some((e) => e.startsWith('/regionName must be string')), r.errors.join(' | '));
  }
});

test('the discriminator selects the provider schema', () => {
  const v2 = loadOpenApi('v2');
  const azure = { cloudProvider: 'AZURE', privateLinkServiceName: 'pls_nope', privateEndpoints: [] };
  const r = v2.validateResponse('GET', GET_ONE, 200, azure);
  assert.deepEqual(r.errors, ['/privateLinkServiceName must match pattern "^pls_[0-9a-f]{24}$" (got "pls_nope")']);
  assert.equal(v2.validateResponse('GET', GET_ONE, 200, { cloudProvider: 'AZURE' }).ok, true);
  assert.equal(v2.validateResponse('GET', GET_ONE, 200, { cloudProvider: 'AWS' }).ok, false);
  assert.equal(v2.validateResponse('GET', GET_ONE, 200, { cloudProvider: 'OCI' }).ok, false);
  assert.equal(v2.validateResponse('GET', LIST, 200, [{ cloudProvider: 'GCP', portMappingEnabled: 'no' }]).ok, false);
  assert.equal(v2.validateResponse('GET', LIST, 200, { cloudProvider: 'GCP' }).ok, false);
  assert.equal(v2.validateResponse('GET', LIST, 200, []).ok, true);
});

test('request-side discriminators that allOf their parent compile without recursing', () => {
  const v2 = loadOpenApi('v2');
  assert.equal(v2.validateSchema('CreateEndpointRequest', { cloudProvider: 'AWS', id: 'vpce-0123456789abcdef0' }).ok, true);
  assert.equal(v2.validateSchema('CreateEndpointRequest', { cloudProvider: 'AWS', id: 'vpce-x' }).ok, false);
  assert.equal(v2.validateSchema('CreateEndpointRequest', { id: 'vpce-0123456789abcdef0' }).ok, true);
  assert.equal(v2.validateSchema('CreateEndpointRequest', { cloudProvider: 'GCP', id: 'vpce-0123456789abcdef0' }).ok, false);
});

test('regionalMode bodies need a boolean enabled', () => {
  const v2 = loadOpenApi('v2');
  const path = `${V2}/regionalMode`;
  assert.equal(v2.validateResponse('GET', path, 200, { enabled: false }).ok, true);
  assert.equal(v2.validateResponse('GET', path, 200, {}).ok, false);
  assert.equal(v2.validateResponse('PATCH', path, 200, { enabled: 'true' }).ok, false);
});

test('undeclared statuses fall back and say so', () => {
  const v2 = loadOpenApi('v2');
  const create = v2.validateResponse('POST', `${V2}/endpointService`, 201, { cloudProvider: 'GCP' });
  assert.deepEqual(create, { ok: true, errors: [], fellBackFrom: 201, usedStatus: '200' });
  const declared = v2.validateResponse('POST', `${V2}/endpointService`, 200, { cloudProvider: 'GCP' });
  assert.equal(declared.fellBackFrom, undefined);
  const deleted = v2.validateResponse('DELETE', GET_ONE, 204, undefined);
  assert.deepEqual(deleted, { ok: true, errors: [] });
  const conflict = v2.validateResponse('DELETE', GET_ONE, 409, { error: 409, errorCode: 'CANNOT_DELETE_PRIVATELINK_WITH_ENDPOINTS' });
  assert.equal(conflict.ok, true);
  assert.equal(conflict.fellBackFrom, 409);
  assert.equal(conflict.usedStatus, '400');
  const badError = v2.validateResponse('GET', GET_ONE, 404, { error: '404' });
  assert.equal(badError.ok, false);
  assert.ok(badError.errors.some((e) => e.includes("'errorCode'")));
});

test('an unknown operation throws instead of reporting a divergence', () => {
  assert.throws(() => loadOpenApi('v2').validateResponse('GET', `${V2}/nope`, 200, {}), /no operation/);
  assert.throws(() => loadOpenApi('v2').validateSchema('Nope', {}), /no schema/);
});

test('listOperations: v1.0 and v2 declare the same 15 operations', () => {
  const v2 = listOperations('v2');
  const v1 = listOperations('v1');
  assert.equal(v2.length, 15);
  const key = (base: string) => (o: { method: string; path: string }) => `${o.method} ${o.path.slice(base.length)}`;
  assert.deepEqual(v1.map(key('/api/atlas/v1.0')).sort(), v2.map(key('/api/atlas/v2')).sort());
  for (const op of [...v1, ...v2]) {
    assert.ok(op.statuses.some((s) => s.startsWith('2')), `${op.method} ${op.path} declares no success`);
    assert.ok(op.operationId, `${op.method} ${op.path} has no operationId`);
  }
  const create = v2.find((o) => o.method === 'POST' && o.path === `${V2}/endpointService`);
  assert.deepEqual(create?.statuses, ['200', '400', '401', '403', '404', '429', '500']);
});

test('every component schema compiles in both modes for both documents', () => {
  for (const which of ['v2', 'v1'] as const) {
    const v = loadOpenApi(which);
    const schemas = (v.document.components as { schemas: Record<string, unknown> }).schemas;
    for (const name of Object.keys(schemas)) {
      v.validateSchema(name, {});
      v.validateSchema(name, {}, { acceptNullForOptional: true });
    }
  }
});

test('matchOperation prefers literal segments and decodes parameters', () => {
  const v2 = loadOpenApi('v2');
  const id = '6a793f68c0eb9e7a17715835';
  const group = '6a793f63c0eb9e7a177153f5';
  const patch = v2.matchOperation('PATCH', `/api/atlas/v2/groups/${group}/privateEndpoint/endpointService/${id}?pretty=true`);
  assert.equal(patch?.operation.path, `${V2}/endpointService/{endpointServiceId}`);
  assert.deepEqual(patch?.params, { groupId: group, endpointServiceId: id });
  const endpoint = v2.matchOperation(
    'get',
    `/api/atlas/v2/groups/${group}/privateEndpoint/AZURE/endpointService/${id}/endpoint/%2Fsubscriptions%2Fx`,
  );
  assert.equal(endpoint?.params.endpointId, '/subscriptions/x');
  assert.equal(v2.matchOperation('PUT', `/api/atlas/v2/groups/${group}/privateEndpoint/regionalMode`), undefined);
});
