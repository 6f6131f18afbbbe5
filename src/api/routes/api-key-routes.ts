import {
  assignApiKeyToProject,
  createOrgApiKey,
  createProjectApiKey,
  deleteOrgApiKey,
  listOrgApiKeys,
  listProjectApiKeys,
  orgApiKey,
  unassignApiKey,
  updateOrgApiKey,
} from '../../app/api-keys.ts';
import { atlasError } from '../../domain/errors.ts';
import type { ApiKeyWithGrants } from '../../domain/api-key.ts';
import type { AtlasRoute, HandlerInput } from '../route-table.ts';
import type { RouteContext } from '../server.ts';
import { apiKeyView } from '../views/api-key-view.ts';
import { baseOf, noContent, ok, pageOf, prefixOf } from './route-helpers.ts';

const roles = { type: 'array', items: { type: 'string' } };
const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['desc', 'roles'],
  properties: { desc: { type: 'string' }, roles },
};
const updateBody = {
  type: 'object',
  additionalProperties: false,
  properties: { desc: { type: 'string' }, roles },
};
const assignBody = {
  type: 'array',
  minItems: 1,
  items: { type: 'object', additionalProperties: false, required: ['roles'], properties: { roles } },
};

/** Organization API keys, and keys assigned to projects (POST and PATCH both assign, as clients do). */
export function apiKeyRoutes(ctx: RouteContext): AtlasRoute[] {
  const view = (input: HandlerInput, privateKey?: string) => (k: ApiKeyWithGrants) =>
    apiKeyView(baseOf(ctx, input), prefixOf(input), k, privateKey);
  return [
    {
      method: 'GET',
      path: '/orgs/:orgId/apiKeys',
      operationId: 'listOrgApiKeys',
      endpointSet: 'orgApiKeys',
      access: { on: 'org', need: 'member' },
      handler: async (input) => ok(await pageOf(ctx, input, (page) => listOrgApiKeys(ctx.app, input.params.orgId, page), view(input))),
    },
    {
      method: 'POST',
      path: '/orgs/:orgId/apiKeys',
      operationId: 'createOrgApiKey',
      endpointSet: 'orgApiKeys',
      access: { on: 'org', need: 'owner' },
      body: createBody,
      handler: async (input) => {
        const b = input.body as { desc: string; roles: string[] };
        const { key, privateKey } = await createOrgApiKey(ctx.app, input.params.orgId, b.desc, b.roles);
        return ok(view(input, privateKey)(key));
      },
    },
    {
      method: 'GET',
      path: '/orgs/:orgId/apiKeys/:apiUserId',
      operationId: 'getOrgApiKey',
      endpointSet: 'orgApiKeys',
      access: { on: 'org', need: 'member' },
      handler: async (input) => ok(view(input)(await orgApiKey(ctx.app, input.params.orgId, input.params.apiUserId))),
    },
    {
      method: 'PATCH',
      path: '/orgs/:orgId/apiKeys/:apiUserId',
      operationId: 'updateOrgApiKey',
      endpointSet: 'orgApiKeys',
      access: { on: 'org', need: 'owner' },
      body: updateBody,
      handler: async (input) => {
        const b = (input.body ?? {}) as { desc?: string; roles?: string[] };
        if (b.desc === undefined && b.roles === undefined) throw atlasError('MISSING_ATTRIBUTE', 'desc');
        return ok(view(input)(await updateOrgApiKey(ctx.app, input.params.orgId, input.params.apiUserId, b)));
      },
    },
    {
      method: 'DELETE',
      path: '/orgs/:orgId/apiKeys/:apiUserId',
      operationId: 'deleteOrgApiKey',
      endpointSet: 'orgApiKeys',
      access: { on: 'org', need: 'owner' },
      handler: async (input) => {
        await deleteOrgApiKey(ctx.app, input.params.orgId, input.params.apiUserId);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: '/groups/:groupId/apiKeys',
      operationId: 'listGroupApiKeys',
      endpointSet: 'projectApiKeys',
      access: { on: 'project', need: 'read' },
      handler: async (input) =>
        ok(await pageOf(ctx, input, (page) => listProjectApiKeys(ctx.app, input.state.project!, page), view(input))),
    },
    {
      method: 'POST',
      path: '/groups/:groupId/apiKeys',
      operationId: 'createGroupApiKey',
      endpointSet: 'projectApiKeys',
      access: { on: 'project', need: 'write' },
      body: createBody,
      handler: async (input) => {
        const b = input.body as { desc: string; roles: string[] };
        const { key, privateKey } = await createProjectApiKey(ctx.app, input.state.project!, b.desc, b.roles);
        return ok(view(input, privateKey)(key));
      },
    },
    {
      method: 'POST',
      path: '/groups/:groupId/apiKeys/:apiUserId',
      operationId: 'addGroupApiKey',
      endpointSet: 'projectApiKeys',
      access: { on: 'project', need: 'write' },
      body: assignBody,
      handler: async (input) => {
        const entries = input.body as { roles: string[] }[];
        const all = entries.flatMap((e) => e.roles);
        await assignApiKeyToProject(ctx.app, input.state.project!, input.params.apiUserId, all);
        return noContent();
      },
    },
    {
      method: 'PATCH',
      path: '/groups/:groupId/apiKeys/:apiUserId',
      operationId: 'updateApiKeyRoles',
      endpointSet: 'projectApiKeys',
      access: { on: 'project', need: 'write' },
      body: updateBody,
      handler: async (input) => {
        const b = (input.body ?? {}) as { desc?: string; roles?: string[] };
        const project = input.state.project!;
        if (b.desc !== undefined) await updateOrgApiKey(ctx.app, project.orgId, input.params.apiUserId, { desc: b.desc });
        const key =
          b.roles !== undefined
            ? await assignApiKeyToProject(ctx.app, project, input.params.apiUserId, b.roles)
            : await orgApiKey(ctx.app, project.orgId, input.params.apiUserId);
        return ok(view(input)(key));
      },
    },
    {
      method: 'DELETE',
      path: '/groups/:groupId/apiKeys/:apiUserId',
      operationId: 'removeGroupApiKey',
      endpointSet: 'projectApiKeys',
      access: { on: 'project', need: 'write' },
      handler: async (input) => {
        await unassignApiKey(ctx.app, input.state.project!, input.params.apiUserId);
        return noContent();
      },
    },
  ];
}
