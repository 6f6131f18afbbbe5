/**
 * Parity with recorded real Atlas responses. For EVERY entry of
 * `shared/reference/recorded/_index.json` we produce our response to the same operation in the same
 * situation (same provider, region and status) and compare: HTTP status, Content-Type, the same keys
 * in the same order, the same nulls, and the same value formats and relations (ids and names may
 * differ). Variants we deliberately do not reproduce (older shapes) are listed, with the reason, in
 * `spec-exceptions.ts`; for those we emit the latest 2026 shape and compare against it.
 * Every response is also checked against both OpenAPI extracts (`call`), and a last test proves each
 * listed spec exception is still needed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { REFERENCE_DIR, loadOpenApi } from '../support/openapi.ts';
import { startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { toNativeRegion, type CloudProvider } from '../../src/domain/cloud-provider.ts';
import { nextObjectId } from '../../src/domain/ids.ts';
import {
  AWS_VPCE,
  FORMATS,
  assertError,
  availableService,
  call,
  endpointPath,
  endpointsPath,
  gcpGroup,
  newProject,
  REGION,
  servicePath,
  servicesPath,
  type Res,
  type Tree,
} from '../api/private-endpoint-fixtures.ts';
import {
  BODY_EXCEPTIONS,
  NULLS_FOR_OPTIONAL,
  RECORDED_VARIANT_EXCEPTIONS,
  STATUS_EXCEPTIONS,
  usedExceptions,
} from './spec-exceptions.ts';

interface IndexEntry {
  file: string;
  http: string;
  status: string;
  content_type: string;
  date: string;
}

const RECORDED_DIR = new URL('recorded/', REFERENCE_DIR);
const INDEX = JSON.parse(readFileSync(new URL('_index.json', RECORDED_DIR), 'utf8')) as IndexEntry[];
const recorded = (file: string): unknown => JSON.parse(readFileSync(new URL(file, RECORDED_DIR), 'utf8'));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

// ---- the situations -----------------------------------------------------------------------------

const SERVICE_FILE = /^atlascli_(create|get|list|delete)PrivateEndpointService_(AWS|AZURE|GCP)(?:_(INITIATING|AVAILABLE))?(?:_(2025shape|supportedRemoteRegionsEmpty|partial(\d)of6))?\.json$/;

interface Situation {
  op: 'create' | 'get' | 'list' | 'delete';
  provider: CloudProvider;
  status: 'INITIATING' | 'AVAILABLE';
  variant?: string;
  partial?: number;
}

function situationOf(file: string): Situation | undefined {
  const m = SERVICE_FILE.exec(file);
  if (!m) return undefined;
  const op = m[1] as Situation['op'];
  return {
    op,
    provider: m[2] as CloudProvider,
    // create answers INITIATING; list/delete were recorded after AVAILABLE unless the name says otherwise.
    status: (m[3] as Situation['status'] | undefined) ?? (op === 'create' ? 'INITIATING' : 'AVAILABLE'),
    variant: m[4],
    partial: m[5] === undefined ? undefined : Number(m[5]),
  };
}

/** The region a client sent: the Atlas CLI e2e sends AWS regions in native form and the others in Atlas form. */
function regionSent(provider: CloudProvider, regionName: string): string {
  return provider === 'AWS' ? toNativeRegion('AWS', regionName)! : regionName;
}

function createBody(provider: CloudProvider, regionName: string): Record<string, unknown> {
  const body: Record<string, unknown> = { providerName: provider, region: regionSent(provider, regionName) };
  if (provider === 'GCP') body.portMappingEnabled = false; // the CLI always sends it for GCP
  return body;
}

function recordedRegion(body: unknown): string {
  const one = (Array.isArray(body) ? body[0] : body) as Obj;
  return one.regionName as string;
}

let t: TestLinkplane;
/** A second linkplane at a non-zero time scale for the partial GCP attachment recordings. */
let slow: TestLinkplane;
const SLOW_SCALE = 0.01;
before(async () => {
  t = await startTestLinkplane();
  slow = await startTestLinkplane({ simTimeScale: SLOW_SCALE });
});
after(async () => {
  await t.close();
  await slow.close();
});

interface Produced {
  res: Res;
  groupId: string;
  createdAtMs?: number;
}

/** Produces our response to the recorded operation in the recorded situation. */
async function produce(s: Situation, regionName: string, tree: Tree, extra: Record<string, unknown> = {}): Promise<Produced> {
  const lp = s.partial === undefined ? t : slow;
  const g = await newProject(lp);
  const createdAtMs = lp.clock.ms;
  const created = await call(lp, 'POST', servicesPath(g), { tree, body: { ...createBody(s.provider, regionName), ...extra } });
  assert.equal(created.status, 201, created.text);
  if (s.op === 'create') return { res: created, groupId: g, createdAtMs };
  const id = created.body.id as string;
  if (s.partial !== undefined) {
    // Move the clock in small steps (reading the store, cheaply) until k attachments show, then GET.
    for (let i = 0; i < 1000; i++) {
      lp.clock.advance(5);
      await lp.settle();
      const row = (await lp.lp.store.getEndpointService(g, id))!;
      assert.equal(row.status, 'INITIATING', 'passed the partial state without seeing it');
      if (row.serviceAttachmentNames.length === s.partial) return { res: await call(lp, 'GET', servicePath(g, s.provider, id), { tree }), groupId: g };
    }
    assert.fail(`never saw ${s.partial} attachments`);
  }
  if (s.status === 'AVAILABLE') await lp.settle();
  switch (s.op) {
    case 'get':
      return { res: await call(lp, 'GET', servicePath(g, s.provider, id), { tree }), groupId: g, createdAtMs };
    case 'list':
      return { res: await call(lp, 'GET', `/groups/${g}/privateEndpoint/${s.provider}/endpointService`, { tree }), groupId: g, createdAtMs };
    case 'delete':
      return { res: await call(lp, 'DELETE', servicePath(g, s.provider, id), { tree }), groupId: g, createdAtMs };
  }
}

// ---- comparing ----------------------------------------------------------------------------------

/** The recorded body brought to the latest shape, for the listed variants only. */
function latestShape(file: string, body: Json, situation: Situation): Json {
  const variant = situation.variant;
  const needsShape = (item: Obj): boolean =>
    (item.cloudProvider === 'AWS' && !('supportedRemoteRegions' in item)) || (item.cloudProvider === 'GCP' && !('portMappingEnabled' in item));
  const items = Array.isArray(body) ? (body as Obj[]) : [body as Obj];
  const listed = RECORDED_VARIANT_EXCEPTIONS.some((e) => e.file === file);
  if (!items.some(needsShape) && variant !== 'supportedRemoteRegionsEmpty') {
    assert.ok(!listed, `${file} is listed as a variant but needs no change`);
    return body;
  }
  assert.ok(listed, `${file} differs from the latest shape but is not listed in RECORDED_VARIANT_EXCEPTIONS`);
  const upgrade = (item: Obj): Obj => {
    if (item.cloudProvider === 'AWS') {
      const { supportedRemoteRegions: _drop, ...rest } = item;
      return { ...rest, supportedRemoteRegions: null };
    }
    if (item.cloudProvider === 'GCP' && !('portMappingEnabled' in item)) {
      const out: Obj = {};
      for (const [k, v] of Object.entries(item)) {
        out[k] = v;
        if (k === 'id') out.portMappingEnabled = false;
      }
      return out;
    }
    return item;
  };
  return Array.isArray(body) ? (body as Obj[]).map(upgrade) : upgrade(body as Obj);
}

const EXACT_KEYS = new Set(['cloudProvider', 'regionName', 'status', 'errorMessage', 'portMappingEnabled', 'enabled']);

/** Same keys in the same order, same nulls, same types, exact where values are not ids or names, formats otherwise. */
function compareShape(rec: Json, ours: Json, path: string): void {
  if (rec === null) {
    assert.equal(ours, null, `${path}: recorded null`);
    return;
  }
  assert.notEqual(ours, null, `${path}: we wrote null where Atlas has ${JSON.stringify(rec)}`);
  assert.equal(Array.isArray(ours), Array.isArray(rec), `${path}: array vs object`);
  assert.equal(typeof ours, typeof rec, `${path}: type`);
  if (Array.isArray(rec)) {
    const o = ours as Json[];
    assert.equal(o.length, rec.length, `${path}: length`);
    rec.forEach((r, i) => compareShape(r, o[i]!, `${path}[${i}]`));
    return;
  }
  if (typeof rec === 'object') {
    const o = ours as Obj;
    assert.deepEqual(Object.keys(o), Object.keys(rec), `${path}: keys and their order`);
    for (const k of Object.keys(rec)) {
      const rv: Json = (rec as Obj)[k]!;
      const ov: Json = o[k]!;
      if (EXACT_KEYS.has(k)) assert.deepEqual(ov, rv, `${path}.${k}`);
      else compareShape(rv, ov, `${path}.${k}`);
      if (typeof rv === 'string') checkFormat(k, rv, ov as string, `${path}.${k}`);
      if (k === 'serviceAttachmentNames') for (const [i, n] of (rv as string[]).entries()) checkFormat('serviceAttachmentName', n, (ov as string[])[i]!, `${path}.${k}[${i}]`);
    }
    return;
  }
  if (typeof rec === 'number' || typeof rec === 'boolean') assert.equal(ours, rec, path);
}

const FORMAT_OF: Record<string, RegExp> = {
  id: FORMATS.objectId,
  endpointServiceName: FORMATS.awsEndpointServiceName,
  privateLinkServiceName: FORMATS.azurePrivateLinkServiceName,
  privateLinkServiceResourceId: FORMATS.azurePrivateLinkServiceResourceId,
  serviceAttachmentName: FORMATS.gcpServiceAttachmentName,
};

function checkFormat(key: string, rec: string, ours: string, path: string): void {
  const re = FORMAT_OF[key];
  if (!re) return;
  assert.match(rec, re, `${path}: the format regex does not even match the recording`);
  assert.match(ours, re, `${path}: format`);
}

/** Relations inside a service body that hold in Atlas's recordings; returns what failed. */
function relations(item: Obj, groupId: string): string[] {
  const bad: string[] = [];
  const provider = item.cloudProvider as CloudProvider;
  const native = toNativeRegion(provider, item.regionName as string);
  if (provider === 'AWS' && item.endpointServiceName !== null) {
    if (!(item.endpointServiceName as string).startsWith(`com.amazonaws.vpce.${native}.vpce-svc-`)) bad.push('endpointServiceName region');
  }
  if (provider === 'AZURE' && item.privateLinkServiceName !== null) {
    if (item.privateLinkServiceName !== `pls_${item.id}`) bad.push('privateLinkServiceName = pls_<id>');
    const rid = item.privateLinkServiceResourceId as string;
    if (!rid.includes(`/resourceGroups/rg_${nextObjectId(item.id as string)}_`)) bad.push('resource group rg_<id+1>_');
    if (!rid.endsWith(`/privateLinkServices/pls_${item.id}`)) bad.push('resource id ends with pls_<id>');
  }
  if (provider === 'GCP') {
    const names = item.serviceAttachmentNames as string[];
    const idx = names.map((n) => Number(n.slice(n.lastIndexOf('-') + 1)));
    if (idx.join() !== [...idx].sort((a, b) => a - b).join()) bad.push('attachments in ascending index order');
    const projects = new Set(names.map((n) => n.split('/')[1]));
    if (projects.size > 1) bad.push('one GCP project');
    for (const n of names) {
      if (!n.includes(`/regions/${native}/serviceAttachments/sa-${native}-${groupId}-`)) bad.push(`attachment ${n} region/group`);
    }
    if (item.status === 'INITIATING' && names.length === 6) bad.push('never 6 while INITIATING');
    if (item.status === 'AVAILABLE' && names.length !== 6) bad.push('AVAILABLE only with 6');
  }
  return bad;
}

function groupOf(http: string): string {
  return /\/groups\/([a-f0-9]{24})/.exec(http)![1]!;
}

// ---- the tests ----------------------------------------------------------------------------------

test('the index and the exception list agree: every listed variant is a recorded file', () => {
  const files = new Set(INDEX.map((e) => e.file));
  for (const e of RECORDED_VARIANT_EXCEPTIONS) assert.ok(files.has(e.file), `${e.file} is listed but not recorded`);
  assert.equal(INDEX.length, 31, 'the number of recordings changed: review this test');
});

for (const entry of INDEX) {
  const [method, recordedPath] = entry.http.split(' ') as [string, string];
  const status = Number.parseInt(entry.status, 10);
  const body = recorded(entry.file) as Json;
  const situation = situationOf(entry.file);

  if (situation) {
    for (const tree of ['v2', 'v1'] as const) {
      test(`${tree} ${entry.file}: ${method} ${situation.op} ${situation.provider} ${situation.status}${situation.variant ? ` (${situation.variant})` : ''}`, async () => {
        // A delete body carries no region: use the region of the recorded create of the same run.
        const region = situation.op === 'delete' ? REGION[situation.provider] : recordedRegion(body);
        const { res, groupId, createdAtMs } = await produce(situation, region, tree);
        assert.equal(res.status, status, `HTTP status (${entry.status})`);
        assert.equal(res.headers['content-type'], tree === 'v2' ? entry.content_type : 'application/json');
        assert.equal(res.text, JSON.stringify(res.body), 'compact JSON');
        if (situation.op === 'delete') {
          assert.deepEqual(body, {});
          assert.equal(res.text, '{}');
          return;
        }
        const expected = latestShape(entry.file, body, situation);
        compareShape(expected, res.body as Json, '$');
        const recItems = (Array.isArray(body) ? body : [body]) as Obj[];
        const ourItems = (Array.isArray(res.body) ? res.body : [res.body]) as Obj[];
        for (const item of recItems) assert.deepEqual(relations(item, groupOf(entry.http)), [], 'relations hold in the recording');
        for (const item of ourItems) assert.deepEqual(relations(item, groupId), [], 'relations hold in ours');
        if (situation.op === 'create') {
          // The id's first 4 bytes are the creation time, in Atlas's recording and in ours.
          const lag = Date.parse(entry.date) / 1000 - parseInt(((body as Obj).id as string).slice(0, 8), 16);
          assert.ok(Math.abs(lag) <= 1, `recorded id time vs Date header: ${lag} s (response time and clock skew)`);
          assert.equal(parseInt((res.body.id as string).slice(0, 8), 16), Math.floor(createdAtMs! / 1000));
        }
        if (situation.variant === 'supportedRemoteRegionsEmpty') {
          // Sending [] explicitly reproduces the recorded 2026-03-12 body exactly in shape.
          const explicit = await produce(situation, region, tree, { supportedRemoteRegions: [] });
          compareShape(body, explicit.res.body as Json, '$');
        }
      });
    }
    continue;
  }

  if (entry.file.startsWith('atlascli_getRegionalEndpointMode') || entry.file.startsWith('atlascli_toggleRegionalEndpointMode')) {
    for (const tree of ['v2', 'v1'] as const) {
      test(`${tree} ${entry.file}: ${method} regionalMode`, async () => {
        const g = await newProject(t);
        const url = `/groups/${g}/privateEndpoint/regionalMode`;
        let res: Res;
        if (entry.file.endsWith('_enable.json')) {
          res = await call(t, 'PATCH', url, { tree, body: { enabled: true } });
        } else if (entry.file.endsWith('_disable.json')) {
          assert.equal((await call(t, 'PATCH', url, { tree, body: { enabled: true } })).status, 202);
          res = await call(t, 'PATCH', url, { tree, body: { enabled: false } });
        } else {
          res = await call(t, 'GET', url, { tree });
        }
        assert.equal(res.status, status);
        assert.equal(res.headers['content-type'], tree === 'v2' ? entry.content_type : 'application/json');
        assert.equal(res.text, JSON.stringify(body), 'byte-identical');
      });
    }
    continue;
  }

  if (entry.file === 'atlascli_createProject_400_MAX_GROUPS_PER_ORG_EXCEEDED_errorEnvelope.json') {
    test(`v2 ${entry.file}: the error envelope of a 400 from POST /groups (variant listed)`, async () => {
      assert.ok(RECORDED_VARIANT_EXCEPTIONS.some((e) => e.file === entry.file));
      const res = await call(t, 'POST', '/groups', { body: { name: 'bad/name', orgId: t.orgId } });
      assert.equal(res.status, status);
      assert.equal(res.headers['content-type'], entry.content_type);
      const rec = body as Obj;
      assert.deepEqual(Object.keys(res.body), Object.keys(rec), 'keys and order');
      for (const k of Object.keys(rec)) assert.equal(typeof res.body[k], typeof rec[k], k);
      assert.equal(res.body.error, rec.error);
      assert.equal(res.body.reason, rec.reason);
      assert.ok(Array.isArray(res.body.parameters));
      for (const p of [...(rec.parameters as Json[]), ...res.body.parameters]) assert.equal(typeof p, 'string');
      assert.ok((res.body.detail as string).includes(res.body.parameters[0]), 'detail is the template with the parameters filled in');
      assert.equal(res.headers['x-error-code'], res.body.errorCode);
    });
    continue;
  }

  test(`${entry.file}: recognised`, () => assert.fail(`no situation for recorded ${entry.file}: add one`));
}

test('GCP partial recordings: ours grow through the same counts, in ascending index order, as the recordings', async () => {
  const partials = INDEX.filter((e) => /partial\dof6/.test(e.file)).map((e) => recorded(e.file) as Obj);
  for (const p of partials) {
    const names = p.serviceAttachmentNames as string[];
    const idx = names.map((n) => Number(n.slice(n.lastIndexOf('-') + 1)));
    assert.deepEqual(idx, [...idx].sort((a, b) => a - b), 'recorded: ascending');
  }
  assert.deepEqual(
    partials.map((p) => (p.serviceAttachmentNames as string[]).length).sort(),
    [1, 2, 3, 4, 5],
  );
});

test('nulls: our bodies validate strictly except for explicit nulls, which is all NULLS_FOR_OPTIONAL covers', async () => {
  const g = await newProject(t);
  const s = await call(t, 'POST', servicesPath(g), { body: createBody('AWS', 'EU_WEST_1') });
  for (const which of ['v2', 'v1'] as const) {
    const strict = loadOpenApi(which).validateResponse('POST', `${which === 'v2' ? '/api/atlas/v2' : '/api/atlas/v1.0'}/groups/{groupId}/privateEndpoint/endpointService`, 201, s.body);
    assert.equal(strict.ok, false);
    for (const e of strict.errors) assert.match(e, /^\/\w+ must be string \(got null\)$/, `${which}: ${e}`);
    assert.deepEqual(strict.errors.map((e) => e.split(' ')[0]).sort(), ['/endpointServiceName', '/errorMessage']);
  }
  assert.ok(NULLS_FOR_OPTIONAL.reason.length > 0);
});

test('every listed spec exception is still needed (each explained a real response of ours in this run)', async () => {
  // Responses that need the exceptions not already exercised by the recorded situations above.
  const g = await newProject(t);
  const aws = await availableService(t, g, 'AWS', { region: 'us-east-1' });
  assert.equal((await call(t, 'POST', endpointsPath(g, 'AWS', aws.id), { body: { id: AWS_VPCE } })).status, 201);
  assert.deepEqual((await call(t, 'GET', servicePath(g, 'AWS', aws.id))).body.interfaceEndpoints, [AWS_VPCE]);
  assertError(await call(t, 'DELETE', servicePath(g, 'AWS', aws.id)), 409, 'CANNOT_DELETE_PRIVATELINK_WITH_ENDPOINTS', []);
  assert.equal((await call(t, 'DELETE', endpointPath(g, 'AWS', aws.id, AWS_VPCE))).status, 202);
  assertError(await call(t, 'POST', servicesPath(g), { body: { providerName: 'AWS', region: 'US_EAST_1' } }), 409, 'PRIVATE_ENDPOINT_SERVICE_ALREADY_EXISTS_FOR_REGION', [
    'AWS',
    'US_EAST_1',
  ]);
  assertError(await call(t, 'PATCH', `/groups/${g}/privateEndpoint/regionalMode`, { body: { enabled: 'yes' } }), 400, 'INVALID_JSON_ATTRIBUTE', ['enabled']);
  assertError(await call(t, 'GET', `/groups/nope/privateEndpoint/regionalMode`), 400, 'PATH_PARAM_PARSE_ERROR');
  assertError(await call(t, 'GET', `/groups/${g}/privateEndpoint/regionalMode`, { headers: { accept: 'application/json' } }), 406, 'INVALID_VERSION_DATE', []);
  const gcp = await availableService(t, g, 'GCP');
  const grp = gcpGroup('sweep', 1);
  assert.equal((await call(t, 'POST', endpointsPath(g, 'GCP', gcp.id), { body: grp })).status, 201);

  const all = [...STATUS_EXCEPTIONS.map((e) => e.id), ...BODY_EXCEPTIONS.map((e) => e.id)];
  assert.deepEqual(
    all.filter((id) => !usedExceptions.has(id)),
    [],
    'listed exceptions that explained nothing: remove them or add the response that needs them',
  );
  for (const e of [...STATUS_EXCEPTIONS, ...BODY_EXCEPTIONS]) assert.ok(e.reason.length > 20, `${e.id} needs a reason`);
  for (const e of RECORDED_VARIANT_EXCEPTIONS) assert.ok(e.reason.length > 20 && e.instead.length > 0, `${e.file} needs a reason`);
});
