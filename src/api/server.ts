import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AppContext } from '../app/app-context.ts';
import type { AuthSubjects } from '../app/auth-subjects.ts';
import type { RateLimiter } from '../app/rate-limiter.ts';
import type { NonceService } from '../auth/digest.ts';
import type { ReplayCheck } from '../app/replay-check.ts';
import { registerErrorHandling, toAtlasError } from './plugins/error-handler.ts';
import type { Metrics } from './plugins/metrics.ts';
import { registerBodyParsers } from './plugins/media-type.ts';
import { registerPipeline } from './plugins/pipeline.ts';
import { sendAtlas, sendError } from './render.ts';
import { TREES, type AtlasRoute } from './route-table.ts';
import { identityRoutes } from './routes/identity-routes.ts';
import { privateEndpointRoutes } from './routes/private-endpoint-routes.ts';
import { registerAdminRoutes, type AdminDeps } from './routes/admin-routes.ts';
import type { RawQuery } from './query.ts';

export interface ServerDeps {
  app: AppContext;
  subjects: AuthSubjects;
  nonces: NonceService;
  replay: ReplayCheck;
  rateLimiter: RateLimiter;
  rateLimits: false | Record<string, { capacity: number; refillPerMinute: number }>;
  publicUrl?: string;
  admin: AdminDeps;
  /** Prometheus metrics (served at /metrics) when given. */
  metrics?: Metrics;
  /** Resolves true once the store is ready (health). */
  ready?: () => boolean;
  logger?: FastifyServerOptions['logger'];
}

/**
 * Builds the HTTP application without listening: tests drive it with inject(), `serve` listens.
 * Every Atlas operation is registered under both trees.
 */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logger ?? false,
    trustProxy: false,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false, verbose: true } },
    disableRequestLogging: true,
    // Undecodable URLs and over-long path parameters are refused before routing; answer them as Atlas errors too.
    frameworkErrors: (err, request, reply) => sendError(request, reply, toAtlasError(request, err)),
  });
  registerErrorHandling(app);
  registerBodyParsers(app);
  registerPipeline(app, { ...deps, store: deps.app.store, now: deps.app.now });

  deps.metrics?.register(app);

  app.get('/health', { config: { access: { on: 'public' } } }, async (_req, reply) => {
    const ok = deps.ready ? deps.ready() : true;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'starting' });
  });

  const ctx = { app: deps.app, publicUrl: deps.publicUrl };
  const routes: AtlasRoute[] = [...identityRoutes(ctx), ...privateEndpointRoutes(ctx)];
  for (const r of routes) {
    for (const { prefix } of TREES) {
      app.route({
        method: r.method,
        url: prefix + r.path,
        schema: r.body ? { body: r.body } : undefined,
        config: { operationId: r.operationId, endpointSet: r.endpointSet, access: r.access },
        handler: async (request, reply) => {
          const result = await r.handler({
            request,
            state: request.atlas,
            params: request.params as Record<string, string>,
            query: request.query as RawQuery,
            body: request.body,
          });
          return sendAtlas(request, reply, result.status, result.body);
        },
      });
    }
  }
  registerAdminRoutes(app, deps.admin);
  return app;
}

export type RouteContext = { app: AppContext; publicUrl?: string };
