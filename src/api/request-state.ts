import type { Principal } from '../domain/roles.ts';
import type { Project } from '../domain/project.ts';
import type { Organization } from '../domain/organization.ts';

/** Which Atlas API tree a request came through. */
export type ApiTree = 'v1' | 'v2';

/**
 * What the request pipeline learns about a request before its handler runs: the tree, the
 * authenticated caller, the project or organization it addresses (already access-checked), and
 * how the response must be rendered.
 */
export interface AtlasRequestState {
  tree: ApiTree;
  pretty: boolean;
  envelope: boolean;
  principal?: Principal;
  project?: Project;
  org?: Organization;
  rateLimit?: { limit: number; remaining: number };
}

declare module 'fastify' {
  interface FastifyRequest {
    atlas: AtlasRequestState;
  }
  interface FastifyContextConfig {
    /** Atlas operation id, for logs and metrics. */
    operationId?: string;
    /** Which rate-limit endpoint set the route belongs to. */
    endpointSet?: string;
    /** Access the caller needs on the addressed project or organization. */
    access?: RouteAccess;
  }
}

export type RouteAccess =
  | { on: 'project'; need: 'read' | 'write' }
  | { on: 'org'; need: 'member' | 'read' | 'owner' }
  | { on: 'caller' }
  | { on: 'public' };
