/**
 * Shared helpers for the private-endpoint family tests (not a test file itself): signed requests
 * through both trees that check every response against BOTH OpenAPI extracts (deviations only
 * through `test/parity/spec-exceptions.ts`), project and key set-up, status vocabularies, and
 * the value formats recorded from real Atlas.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { digest, V2_ACCEPT, type DigestRequest, type TestLinkplane } from '../support/harness.ts';
import { loadOpenApi, type SpecVersion } from '../support/openapi.ts';
import { explainSpecErrors, statusException } from '../parity/spec-exceptions.ts';

export type Provider = 'AWS' | 'AZURE' | 'GCP';
export const PROVIDERS: readonly Provider[] = ['AWS', 'AZURE', 'GCP'];
export type Tree = 'v2' | 'v1';
export const TREE_PREFIX: Record<Tree, string> = { v2: '/api/atlas/v2', v1: '/api/atlas/v1.0' };
export const BOTH_TREES: readonly Tree[] = ['v2', 'v1'];

export const V2_CONTENT_TYPE = 'application/vnd.atlas.2023-01-01+json;charset=utf-8';

/** Status vocabularies as documented by Atlas (reference §7, OpenAPI enums); nothing else may appear. */
export const SERVICE_VOCABULARY: Record<Provider, readonly string[]> = {
  AWS: ['INITIATING', 'WAITING_FOR_USER', 'AVAILABLE', 'FAILED', 'DELETING'],
  AZURE: ['INITIATING', 'AVAILABLE', 'FAILED', 'DELETING'],
  GCP: ['INITIATING', 'AVAILABLE', 'FAILED', 'DELETING'],
};
export const ENDPOINT_VOCABULARY: Record<Provider, readonly string[]> = {
  AWS: ['PENDING_ACCEPTANCE', 'PENDING', 'AVAILABLE', 'REJECTED', 'DELETING'],
  AZURE: ['INITIATING', 'AVAILABLE', 'FAILED', 'DELETING'],
  GCP: ['INITIATING', 'VERIFIED', 'AVAILABLE', 'FAILED', 'DELETING', 'DELETED'],
};
export const GCP_RULE_VOCABULARY: readonly string[] = ['INITIATING', 'AVAILABLE', 'FAILED', 'DELETING'];

/** Value formats of recorded Atlas responses (reference Part 3 §1.5). */
export const FORMATS = {
  objectId: /^[a-f0-9]{24}$/,
  awsEndpointServiceName: /^com\.amazonaws\.vpce\.[a-z]{2}(-gov)?-[a-z]+-\d\.vpce-svc-[0-9a-f]{17}$/,
  azurePrivateLinkServiceName: /^pls_[a-f0-9]{24}$/,
  azurePrivateLinkServiceResourceId:
    /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/rg_[a-f0-9]{24}_[a-z0-9]{8}\/providers\/Microsoft\.Network\/privateLinkServices\/pls_[a-f0-9]{24}$/,
  gcpServiceAttachmentName: /^projects\/p-[a-z0-9]{24}\/regions\/[a-z]+-[a-z]+\d+\/serviceAttachments\/sa-[a-z]+-[a-z]+\d+-[a-f0-9]{24}-[0-5]$/,
  azureConnectionName: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}%2F[-\w._()]+%2F[-\w._()]+$/,
} as const;

/** Sample inputs of every provider, valid by Atlas's rules. */
export const AWS_VPCE = 'vpce-0d00c26273372c6ef';
export const AWS_VPCE_2 = 'vpce-11111111111111111';
export const AZURE_PE_ID = '/subscriptions/4e133d35-e734-4380-a565-c0945535da37/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe1';
export const AZURE_PE_ID_2 = '/subscriptions/4e133d35-e734-4380-a565-c0945535da37/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe2';
export const GCP_PROJECT = 'p-abcdefghij0123456789abcd';
export function gcpGroup(name = 'google-endpoint-group', count = 2) {
  return {
    endpointGroupName: name,
    gcpProjectId: GCP_PROJECT,
    endpoints: Array.from({ length: count }, (_, i) => ({ endpointName: `${name}-${i}`, ipAddress: `10.0.0.${i + 4}` })),
  };
}
/** A create-endpoint body for a provider, and the id its GET/DELETE address it by. */
export function endpointBody(provider: Provider, n = 1): { body: Record<string, unknown>; id: string } {
  switch (provider) {
    case 'AWS':
      return { body: { id: n === 1 ? AWS_VPCE : AWS_VPCE_2 }, id: n === 1 ? AWS_VPCE : AWS_VPCE_2 };
    case 'AZURE': {
      const id = n === 1 ? AZURE_PE_ID : AZURE_PE_ID_2;
      return { body: { id, privateEndpointIPAddress: `10.0.0.${3 + n}` }, id };
    }
    case 'GCP': {
      const g = gcpGroup(n === 1 ? 'google-endpoint-group' : 'second-group');
      return { body: g, id: g.endpointGroupName };
    }
  }
}
/** Default create-service regions (Atlas form) per provider, as the Atlas CLI e2e uses them. */
export const REGION: Record<Provider, string> = { AWS: 'EU_WEST_1', AZURE: 'ASIA_SOUTH_EAST', GCP: 'US_EAST_4' };
/** The parent's list of endpoint ids per provider. */
export const CHILD_KEY: Record<Provider, string> = { AWS: 'interfaceEndpoints', AZURE: 'privateEndpoints', GCP: 'endpointGroupNames' };

export interface Res {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
  headers: LightMyRequestResponse['headers'];
}

export interface CallOptions {
  tree?: Tree;
  body?: unknown;
  payload?: string;
  user?: string;
  pass?: string;
  headers?: Record<string, string>;
  /** Skip the spec check (only for responses outside Atlas's API, e.g. the admin API). */
  noSpec?: boolean;
}

const validators = { v2: loadOpenApi('v2'), v1: loadOpenApi('v1') } as const;

/**
 * Checks one response of ours against BOTH OpenAPI extracts: the path is matched in each tree's
 * document (v2 path → v1.0 path and back), an undeclared status must be a listed status exception,
 * and every validation error must be explained by a listed spec exception. Envelope bodies are
 * unwrapped first (the spec describes the content). Responses outside the documents: errors are
 * checked against `ApiError`; anything else is not the family's and is skipped.
 */
export function assertConformsToSpecs(method: string, url: string, status: number, body: unknown, envelope = false): void {
  const path = url.split('?')[0]!;
  let effectiveStatus = status;
  let effectiveBody = body;
  if (envelope && body && typeof body === 'object' && !Array.isArray(body) && 'status' in body) {
    const b = body as { status: number; content?: unknown };
    effectiveStatus = b.status;
    effectiveBody = b.content;
  }
  const tail = path.replace(/^\/api\/atlas\/(v2|v1\.0)/, '');
  if (tail === path) return; // not an Atlas path (admin API)
  for (const which of ['v2', 'v1'] as const satisfies readonly SpecVersion[]) {
    const v = validators[which];
    const concrete = (which === 'v2' ? '/api/atlas/v2' : '/api/atlas/v1.0') + tail;
    const match = v.matchOperation(method, concrete);
    if (match === undefined) {
      if (effectiveStatus >= 400) {
        const r = v.validateSchema('ApiError', effectiveBody, { acceptNullForOptional: true });
        const unexplained = explainSpecErrors(r.errors, { method, template: '(not in spec)', status: effectiveStatus }).unexplained;
        assert.deepEqual(unexplained, [], `${which} ${method} ${path} ${effectiveStatus}: error body vs ApiError`);
      }
      continue;
    }
    const template = match.operation.path;
    const r = v.validateResponse(method, template, effectiveStatus, effectiveBody, { acceptNullForOptional: true });
    if (r.fellBackFrom !== undefined) {
      const generic = template.replace(/^\/api\/atlas\/(v2|v1\.0)/, '');
      assert.ok(
        statusException(method, generic, effectiveStatus),
        `${which} ${method} ${template}: status ${effectiveStatus} is not declared (declared ${match.operation.statuses.join(',')}) and is not a listed status exception`,
      );
    }
    const unexplained = explainSpecErrors(r.errors, { method, template, status: effectiveStatus }).unexplained;
    assert.deepEqual(unexplained, [], `${which} ${method} ${template} ${effectiveStatus}: response differs from the spec beyond the listed exceptions\n${JSON.stringify(effectiveBody)}`);
  }
}

/** One signed request to `tail` (after the tree prefix) of the chosen tree; the response is spec-checked. */
export async function call(t: TestLinkplane, method: DigestRequest['method'], tail: string, o: CallOptions = {}): Promise<Res> {
  const tree = o.tree ?? 'v2';
  const url = tail.startsWith('/api/') ? tail : TREE_PREFIX[tree] + tail;
  const headers: Record<string, string> = { ...(tree === 'v2' && !tail.startsWith('/api/linkplane') ? { accept: V2_ACCEPT } : {}), ...o.headers };
  const r = await digest(t.app, { method, url, body: o.body, payload: o.payload, user: o.user, pass: o.pass, headers });
  const text = r.body;
  let body: unknown;
  if (text !== '') body = JSON.parse(text);
  if (!o.noSpec) assertConformsToSpecs(method, url, r.statusCode, body, /[?&]envelope=true/.test(url));
  return { status: r.statusCode, body, text, headers: r.headers };
}

/** Asserts an Atlas error: status, errorCode, parameters, the X-Error-Code header and the body's key order. */
export function assertError(res: Res, status: number, errorCode: string, parameters?: unknown[]): void {
  assert.equal(res.status, status, `expected ${status} ${errorCode}, got ${res.status} ${res.text}`);
  assert.equal(res.body.errorCode, errorCode, res.text);
  assert.deepEqual(Object.keys(res.body), ['detail', 'error', 'errorCode', 'parameters', 'reason']);
  assert.equal(res.body.error, status);
  assert.equal(res.headers['x-error-code'], errorCode);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  if (parameters !== undefined) assert.deepEqual(res.body.parameters, parameters);
}

let projectCounter = 0;
/** A new project of the bootstrap organization. */
export async function newProject(t: TestLinkplane, name = `pe-project-${++projectCounter}`): Promise<string> {
  const r = await call(t, 'POST', '/groups', { body: { name, orgId: t.orgId } });
  assert.equal(r.status, 201, r.text);
  return r.body.id as string;
}

/** A project key with the given project roles; returns its credentials. */
export async function projectKey(t: TestLinkplane, projectId: string, roles: string[]): Promise<{ user: string; pass: string }> {
  const r = await call(t, 'POST', `/groups/${projectId}/apiKeys`, { body: { desc: `key ${roles.join(',')}`, roles } });
  assert.equal(r.status, 200, r.text);
  return { user: r.body.publicKey, pass: r.body.privateKey };
}

/** An organization key with the given organization roles. */
export async function orgKey(t: TestLinkplane, roles: string[]): Promise<{ user: string; pass: string }> {
  const r = await call(t, 'POST', `/orgs/${t.orgId}/apiKeys`, { body: { desc: `key ${roles.join(',')}`, roles } });
  assert.equal(r.status, 200, r.text);
  return { user: r.body.publicKey, pass: r.body.privateKey };
}

export const servicesPath = (g: string) => `/groups/${g}/privateEndpoint/endpointService`;
export const servicePath = (g: string, p: string, id: string) => `/groups/${g}/privateEndpoint/${p}/endpointService/${id}`;
export const endpointsPath = (g: string, p: string, id: string) => `${servicePath(g, p, id)}/endpoint`;
/** The endpoint's path with its id percent-encoded as ONE segment (Azure ids contain `/`). */
export const endpointPath = (g: string, p: string, id: string, e: string) => `${endpointsPath(g, p, id)}/${encodeURIComponent(e)}`;

/** Creates a service and returns its 201 body. */
export async function createService(t: TestLinkplane, g: string, provider: Provider, extra: Record<string, unknown> = {}, tree: Tree = 'v2') {
  const r = await call(t, 'POST', servicesPath(g), { tree, body: { providerName: provider, region: REGION[provider], ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

/** Creates a service and settles it to AVAILABLE (time scale 0). */
export async function availableService(t: TestLinkplane, g: string, provider: Provider, extra: Record<string, unknown> = {}) {
  const created = await createService(t, g, provider, extra);
  await t.settle();
  const r = await call(t, 'GET', servicePath(g, provider, created.id));
  assert.equal(r.body.status, 'AVAILABLE', r.text);
  return r.body;
}

/** Records every status seen and checks each against the provider's vocabulary as it arrives. */
export class StatusLog {
  readonly seen: string[] = [];
  constructor(
    private readonly vocabulary: readonly string[],
    private readonly what: string,
  ) {}
  add(status: unknown): void {
    assert.equal(typeof status, 'string', `${this.what}: status must be a string, got ${JSON.stringify(status)}`);
    assert.ok(this.vocabulary.includes(status as string), `${this.what}: status ${String(status)} is outside ${this.vocabulary.join('|')}`);
    if (this.seen.at(-1) !== status) this.seen.push(status as string);
  }
}

/** The status of a private endpoint body (AWS reports connectionStatus). */
export function endpointStatus(provider: Provider, body: { connectionStatus?: string; status?: string }): string | undefined {
  return provider === 'AWS' ? body.connectionStatus : body.status;
}

/** Asserts the exact key order of a service body of a provider (latest 2026 shape). */
export const SERVICE_KEYS: Record<Provider, string[]> = {
  AWS: ['cloudProvider', 'endpointServiceName', 'errorMessage', 'id', 'interfaceEndpoints', 'regionName', 'status', 'supportedRemoteRegions'],
  AZURE: ['cloudProvider', 'errorMessage', 'id', 'privateEndpoints', 'privateLinkServiceName', 'privateLinkServiceResourceId', 'regionName', 'status'],
  GCP: ['cloudProvider', 'endpointGroupNames', 'errorMessage', 'id', 'portMappingEnabled', 'regionName', 'serviceAttachmentNames', 'status'],
};
export const ENDPOINT_KEYS: Record<Provider, string[]> = {
  AWS: ['cloudProvider', 'connectionStatus', 'deleteRequested', 'errorMessage', 'interfaceEndpointId'],
  AZURE: [
    'cloudProvider',
    'deleteRequested',
    'errorMessage',
    'privateEndpointConnectionName',
    'privateEndpointIPAddress',
    'privateEndpointResourceId',
    'status',
  ],
  GCP: ['cloudProvider', 'deleteRequested', 'endpointGroupName', 'endpoints', 'errorMessage', 'gcpProjectId', 'portMappingEnabled', 'status'],
};

export const FAULTS = '/api/linkplane/v1/sim/faults';

/** Adds a simulation fault rule through the admin API; returns its id. */
export async function addFault(t: TestLinkplane, body: Record<string, unknown>): Promise<string> {
  const r = await call(t, 'POST', FAULTS, { body, noSpec: true });
  assert.equal(r.status, 201, r.text);
  return r.body.id as string;
}

export async function removeFault(t: TestLinkplane, id: string): Promise<void> {
  assert.equal((await call(t, 'DELETE', `${FAULTS}/${id}`, { noSpec: true })).status, 204);
}
