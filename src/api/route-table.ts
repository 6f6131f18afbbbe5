import type { FastifyRequest } from 'fastify';
import type { EndpointSetName } from '../domain/rate-limits.ts';
import type { AtlasRequestState, RouteAccess } from './request-state.ts';
import type { RawQuery } from './query.ts';

/** What a handler gets: the already-authorized request state plus its parsed inputs. */
export interface HandlerInput {
  request: FastifyRequest;
  state: AtlasRequestState;
  params: Record<string, string>;
  query: RawQuery;
  body: unknown;
}

export interface HandlerResult {
  status: number;
  body: unknown;
}

/**
 * One Atlas operation, served under both `/api/atlas/v1.0` and `/api/atlas/v2` with the same
 * use case. `path` is the tail after the tree prefix, in Fastify syntax.
 */
export interface AtlasRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  path: string;
  operationId: string;
  endpointSet?: EndpointSetName;
  access: RouteAccess;
  /** JSON schema of the body; Atlas rejects unknown attributes, so schemas close their objects. */
  body?: object;
  handler: (input: HandlerInput) => Promise<HandlerResult>;
}

export const TREES = [
  { tree: 'v1', prefix: '/api/atlas/v1.0' },
  { tree: 'v2', prefix: '/api/atlas/v2' },
] as const;
