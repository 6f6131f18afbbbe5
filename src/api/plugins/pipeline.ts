import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { orgFor, projectFor } from '../../app/access.ts';
import type { AppContext } from '../../app/app-context.ts';
import type { RateLimiter } from '../../app/rate-limiter.ts';
import { isCloudProvider } from '../../domain/cloud-provider.ts';
import { AtlasError, atlasError } from '../../domain/errors.ts';
import { isObjectId } from '../../domain/ids.ts';
import { ENDPOINT_SETS, type EndpointSetLimit } from '../../domain/rate-limits.ts';
import { boolParam, type RawQuery } from '../query.ts';
import type { ApiTree } from '../request-state.ts';
import { authenticate, type DigestAuthDeps } from './digest-auth.ts';
import { negotiateVersion } from './media-type.ts';

export interface PipelineDeps extends DigestAuthDeps {
  app: AppContext;
  rateLimiter: RateLimiter;
  /** Per endpoint-set overrides; false disables rate limiting. */
  rateLimits: false | Record<string, { capacity: number; refillPerMinute: number }>;
}

const ID_PARAMS = ['groupId', 'orgId', 'apiUserId', 'endpointServiceId'] as const;

function treeOf(url: string): ApiTree | 'admin' | undefined {
  if (url.startsWith('/api/atlas/v2')) return 'v2';
  if (url.startsWith('/api/atlas/v1.0')) return 'v1';
  if (url.startsWith('/api/linkplane/')) return 'admin';
  return undefined;
}

/** Malformed ids in the path: 400 PATH_PARAM_PARSE_ERROR naming the URI, on both trees. */
function checkPathParams(url: string, params: Record<string, string>): void {
  for (const name of ID_PARAMS) {
    const v = params[name];
    if (v === undefined || isObjectId(v)) continue;
    throw atlasError('PATH_PARAM_PARSE_ERROR', url.split('?')[0]);
  }
  const provider = params.cloudProvider;
  if (provider !== undefined && !isCloudProvider(provider)) throw atlasError('INVALID_PROVIDER', provider);
}

function limitFor(deps: PipelineDeps, set: keyof typeof ENDPOINT_SETS): EndpointSetLimit | undefined {
  if (deps.rateLimits === false) return undefined;
  const base = ENDPOINT_SETS[set];
  const o = deps.rateLimits[set];
  return o ? { ...base, capacity: o.capacity, refillPerMinute: o.refillPerMinute } : base;
}

async function rateLimit(deps: PipelineDeps, request: FastifyRequest): Promise<void> {
  const set = request.routeOptions.config.endpointSet;
  const principal = request.atlas.principal;
  if (!set || !principal) return;
  const limit = limitFor(deps, set as keyof typeof ENDPOINT_SETS);
  if (!limit) return;
  const params = request.params as Record<string, string>;
  const scopeId = limit.scope === 'GROUP' ? params.groupId : limit.scope === 'ORGANIZATION' ? params.orgId : principal.keyId;
  const r = await deps.rateLimiter.take(`${set}:${scopeId}`, limit.capacity, limit.refillPerMinute, deps.now());
  request.atlas.rateLimit = { limit: limit.capacity, remaining: r.remaining };
  if (!r.allowed) {
    throw new AtlasError(
      'RATE_LIMITED_TOKEN_BUCKET',
      [limit.label, r.retryAfterSeconds, limit.capacity, limit.refillPerMinute, 60],
      { 'Retry-After': String(r.retryAfterSeconds) },
    );
  }
}

/**
 * The request pipeline in front of every Atlas route, in Atlas's order: render options, digest
 * authentication (before any body is read), version negotiation, rate limit, then (once the path is
 * known) path-parameter syntax and access to the addressed project or organization.
 */
export function registerPipeline(app: FastifyInstance, deps: PipelineDeps): void {
  app.decorateRequest('atlas', null as never);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const tree = treeOf(request.url);
    request.atlas = { tree: tree === 'v2' ? 'v2' : 'v1', pretty: false, envelope: false };
    const access = request.routeOptions.config?.access;
    if (access?.on === 'public') return;
    if (tree === undefined && !request.is404) return;
    const principal = await authenticate(deps, request, reply);
    if (!principal) return reply;
    request.atlas.principal = principal;
    if (/%00/.test(request.url)) throw atlasError('PATH_PARAM_PARSE_ERROR', request.url.split('?')[0]);
    const query = (request.query ?? {}) as RawQuery;
    request.atlas.pretty = boolParam(query, 'pretty', false);
    request.atlas.envelope = boolParam(query, 'envelope', false);
    if (tree === 'v2') negotiateVersion(request.headers.accept);
    await rateLimit(deps, request);
  });

  app.addHook('preValidation', async (request: FastifyRequest) => {
    const access = request.routeOptions.config?.access;
    const principal = request.atlas?.principal;
    if (!access || !principal) return;
    const params = request.params as Record<string, string>;
    checkPathParams(request.url, params);
    if (access.on === 'project') request.atlas.project = await projectFor(deps.app, principal, params.groupId, access.need);
    else if (access.on === 'org') request.atlas.org = await orgFor(deps.app, principal, params.orgId, access.need);
  });
}
