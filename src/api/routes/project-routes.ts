import { createProject, deleteProject, listProjects, projectByName, updateProject } from '../../app/projects.ts';
import { atlasError } from '../../domain/errors.ts';
import { isObjectId } from '../../domain/ids.ts';
import { stringParam } from '../query.ts';
import type { AtlasRoute } from '../route-table.ts';
import type { RouteContext } from '../server.ts';
import { projectView } from '../views/project-view.ts';
import { accepted, baseOf, created, ok, pageOf, prefixOf } from './route-helpers.ts';

const tags = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['key', 'value'],
    properties: { key: { type: 'string', minLength: 1, maxLength: 255 }, value: { type: 'string', minLength: 1, maxLength: 255 } },
  },
};

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'orgId'],
  properties: {
    name: { type: 'string' },
    orgId: { type: 'string', pattern: '^[a-f0-9]{24}$' },
    tags,
    withDefaultAlertsSettings: { type: 'boolean' },
    regionUsageRestrictions: { type: 'string', enum: ['COMMERCIAL_FEDRAMP_REGIONS_ONLY', 'GOV_REGIONS_ONLY', 'NONE'] },
  },
};

const updateBody = {
  type: 'object',
  additionalProperties: false,
  properties: { name: { type: 'string' }, tags, withDefaultAlertsSettings: { type: 'boolean' } },
};

/** Projects ("groups"), and the clusters list Terraform waits on (always empty here). */
export function projectRoutes(ctx: RouteContext): AtlasRoute[] {
  const view = (input: Parameters<AtlasRoute['handler']>[0], full: boolean) => (p: Parameters<typeof projectView>[2]) =>
    projectView(baseOf(ctx, input), prefixOf(input), p, full);
  return [
    {
      method: 'GET',
      path: '/groups',
      operationId: 'listGroups',
      endpointSet: 'projects',
      access: { on: 'caller' },
      handler: async (input) => ok(await pageOf(ctx, input, (page) => listProjects(ctx.app, input.state.principal!, page), view(input, false))),
    },
    {
      method: 'POST',
      path: '/groups',
      operationId: 'createGroup',
      endpointSet: 'projects',
      access: { on: 'caller' },
      body: createBody,
      handler: async (input) => {
        const owner = stringParam(input.query, 'projectOwnerId');
        if (owner !== undefined && !isObjectId(owner)) throw atlasError('INVALID_QUERY_PARAMETER', 'projectOwnerId');
        const b = input.body as { name: string; orgId: string; tags?: { key: string; value: string }[]; withDefaultAlertsSettings?: boolean };
        const project = await createProject(ctx.app, input.state.principal!, b);
        return created(view(input, true)(project));
      },
    },
    {
      method: 'GET',
      path: '/groups/byName/:groupName',
      operationId: 'getGroupByName',
      endpointSet: 'projects',
      access: { on: 'caller' },
      handler: async (input) => ok(view(input, true)(await projectByName(ctx.app, input.state.principal!, input.params.groupName))),
    },
    {
      method: 'GET',
      path: '/groups/:groupId',
      operationId: 'getGroup',
      endpointSet: 'project',
      access: { on: 'project', need: 'read' },
      handler: async (input) => ok(view(input, true)(input.state.project!)),
    },
    {
      method: 'PATCH',
      path: '/groups/:groupId',
      operationId: 'updateGroup',
      endpointSet: 'project',
      access: { on: 'project', need: 'write' },
      body: updateBody,
      handler: async (input) => ok(view(input, true)(await updateProject(ctx.app, input.state.project!, (input.body ?? {}) as object))),
    },
    {
      method: 'DELETE',
      path: '/groups/:groupId',
      operationId: 'deleteGroup',
      endpointSet: 'project',
      access: { on: 'project', need: 'write' },
      handler: async (input) => {
        await deleteProject(ctx.app, input.state.project!);
        return accepted({});
      },
    },
    {
      method: 'GET',
      path: '/groups/:groupId/clusters',
      operationId: 'listClusters',
      endpointSet: 'project',
      access: { on: 'project', need: 'read' },
      handler: async (input) =>
        ok(await pageOf(ctx, input, async (page) => ({ items: [], total: page.includeCount ? 0 : undefined }), (x: never) => x)),
    },
  ];
}
