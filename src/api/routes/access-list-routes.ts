import { accessListEntry, addAccessListEntries, deleteAccessListEntry, listAccessList } from '../../app/access-lists.ts';
import type { AtlasRoute, HandlerInput } from '../route-table.ts';
import type { RouteContext } from '../server.ts';
import { accessListEntryView } from '../views/access-list-view.ts';
import { clientAddress, type AccessListEntry } from '../../domain/access-list.ts';
import { baseOf, noContent, ok, pageOf, prefixOf } from './route-helpers.ts';

const addBody = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    properties: { ipAddress: { type: 'string' }, cidrBlock: { type: 'string' } },
  },
};

/** API key IP access lists. */
export function accessListRoutes(ctx: RouteContext): AtlasRoute[] {
  const view = (input: HandlerInput) => (e: AccessListEntry) => accessListEntryView(baseOf(ctx, input), prefixOf(input), input.params.orgId, e);
  const list = (input: HandlerInput) =>
    pageOf(ctx, input, (page) => listAccessList(ctx.app, input.params.orgId, input.params.apiUserId, page), view(input));
  const base = '/orgs/:orgId/apiKeys/:apiUserId/accessList';
  return [
    {
      method: 'GET',
      path: base,
      operationId: 'listOrgApiKeyAccessListEntries',
      endpointSet: 'orgApiKeys',
      access: { on: 'org', need: 'member' },
      handler: async (input) => ok(await list(input)),
    },
    {
      method: 'POST',
      path: base,
      operationId: 'createOrgApiKeyAccessListEntry',
      endpointSet: 'orgApiKeys',
      access: { on: 'org', need: 'owner' },
      body: addBody,
      handler: async (input) => {
        await addAccessListEntries(ctx.app, input.params.orgId, input.params.apiUserId, input.body as { ipAddress?: string; cidrBlock?: string }[]);
        return ok(await list(input));
      },
    },
    {
      method: 'GET',
      path: `${base}/:ipAddress`,
      operationId: 'getOrgApiKeyAccessListEntry',
      endpointSet: 'orgApiKeys',
      access: { on: 'org', need: 'member' },
      handler: async (input) =>
        ok(view(input)(await accessListEntry(ctx.app, input.params.orgId, input.params.apiUserId, input.params.ipAddress))),
    },
    {
      method: 'DELETE',
      path: `${base}/:ipAddress`,
      operationId: 'deleteOrgApiKeyAccessListEntry',
      endpointSet: 'orgApiKeys',
      access: { on: 'org', need: 'owner' },
      handler: async (input) => {
        await deleteAccessListEntry(
          ctx.app,
          input.state.principal!,
          clientAddress(input.request.ip),
          input.params.orgId,
          input.params.apiUserId,
          input.params.ipAddress,
        );
        return noContent();
      },
    },
  ];
}
