import type { AtlasRoute } from '../route-table.ts';
import type { RouteContext } from '../server.ts';
import { organizationView } from '../views/organization-view.ts';
import { projectView } from '../views/project-view.ts';
import { listOrganizations } from '../../app/organizations.ts';
import { listProjects } from '../../app/projects.ts';
import { baseOf, ok, pageOf, prefixOf } from './route-helpers.ts';

/** Organizations: a key sees only its own organization. */
export function organizationRoutes(ctx: RouteContext): AtlasRoute[] {
  return [
    {
      method: 'GET',
      path: '/orgs',
      operationId: 'listOrgs',
      endpointSet: 'organizations',
      access: { on: 'caller' },
      handler: async (input) =>
        ok(
          await pageOf(
            ctx,
            input,
            (page) => listOrganizations(ctx.app, input.state.principal!, page),
            (o) => organizationView(baseOf(ctx, input), prefixOf(input), o, false),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/orgs/:orgId',
      operationId: 'getOrg',
      endpointSet: 'organization',
      access: { on: 'org', need: 'member' },
      handler: async (input) => ok(organizationView(baseOf(ctx, input), prefixOf(input), input.state.org!, true)),
    },
    {
      method: 'GET',
      path: '/orgs/:orgId/groups',
      operationId: 'getOrgGroups',
      endpointSet: 'organization',
      access: { on: 'org', need: 'member' },
      handler: async (input) =>
        ok(
          await pageOf(
            ctx,
            input,
            (page) => listProjects(ctx.app, input.state.principal!, page),
            (p) => projectView(baseOf(ctx, input), prefixOf(input), p, false),
          ),
        ),
    },
  ];
}
