import type { AtlasRoute } from '../route-table.ts';
import type { RouteContext } from '../server.ts';
import { accessListRoutes } from './access-list-routes.ts';
import { apiKeyRoutes } from './api-key-routes.ts';
import { organizationRoutes } from './organization-routes.ts';
import { projectRoutes } from './project-routes.ts';

/** The identity resources a client needs to bootstrap itself. */
export function identityRoutes(ctx: RouteContext): AtlasRoute[] {
  return [...organizationRoutes(ctx), ...projectRoutes(ctx), ...apiKeyRoutes(ctx), ...accessListRoutes(ctx)];
}
