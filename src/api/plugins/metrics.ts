import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one node: requests by Atlas operation and status, their latency, reconciler
 * passes and transitions, and the process's own figures. Served at `GET /metrics` without
 * authentication (it holds counts, never tenant data), as scrapers expect.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'linkplane_http_requests_total',
    help: 'HTTP requests by Atlas operation, method and status',
    labelNames: ['operation', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'linkplane_http_request_duration_seconds',
    help: 'Time from request to response by Atlas operation',
    labelNames: ['operation'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly transitions = new Counter({
    name: 'linkplane_reconciler_transitions_total',
    help: 'Lifecycle transitions applied by this node',
    registers: [this.registry],
  });
  readonly passes = new Histogram({
    name: 'linkplane_reconciler_pass_duration_seconds',
    help: 'Duration of reconciler passes that had due rows',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'linkplane_' });
  }

  /** Counts every response by its route's operation id (unknown routes as `notFound`). */
  register(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const operation = request.routeOptions.config?.operationId ?? (request.is404 ? 'notFound' : request.routeOptions.url ?? 'other');
      this.requests.inc({ operation, method: request.method, status: String(reply.statusCode) });
      this.latency.observe({ operation }, reply.elapsedTime / 1000);
    });
    app.get('/metrics', { config: { access: { on: 'public' } } }, async (_req, reply) =>
      reply.header('Content-Type', this.registry.contentType).send(await this.registry.metrics()),
    );
  }
}
