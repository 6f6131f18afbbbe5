import {
  createEndpointService,
  deleteEndpointService,
  endpointServiceOf,
  listEndpointServices,
  updateEndpointService,
  type CreateServiceInput,
} from '../../app/endpoint-services.ts';
import {
  createPrivateEndpoint,
  deletePrivateEndpoint,
  privateEndpointOf,
  type CreateEndpointInput,
} from '../../app/private-endpoints.ts';
import { setRegionalMode } from '../../app/regional-mode.ts';
import type { CloudProvider } from '../../domain/cloud-provider.ts';
import type { AtlasRoute } from '../route-table.ts';
import type { RouteContext } from '../server.ts';
import { endpointServiceView } from '../views/endpoint-service-view.ts';
import { privateEndpointView } from '../views/private-endpoint-view.ts';
import { accepted, created, ok } from './route-helpers.ts';

const providerEnum = { type: 'string', enum: ['AWS', 'AZURE', 'GCP'] };
const remoteRegions = { type: ['array', 'null'], maxItems: 35, items: { type: 'string' } };

const createServiceBody = {
  type: 'object',
  additionalProperties: false,
  required: ['providerName', 'region'],
  properties: { providerName: providerEnum, region: { type: 'string' }, portMappingEnabled: { type: 'boolean' }, supportedRemoteRegions: remoteRegions },
};

const updateServiceBody = {
  type: 'object',
  additionalProperties: false,
  required: ['cloudProvider'],
  properties: { cloudProvider: providerEnum, supportedRemoteRegions: remoteRegions },
};

const createEndpointBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    privateEndpointIPAddress: { type: 'string' },
    endpointGroupName: { type: 'string' },
    gcpProjectId: { type: 'string' },
    endpoints: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { endpointName: { type: 'string' }, ipAddress: { type: 'string' } },
      },
    },
  },
};

const regionalModeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['enabled'],
  properties: { enabled: { type: 'boolean' } },
};

const base = '/groups/:groupId/privateEndpoint';
const service = `${base}/:cloudProvider/endpointService/:endpointServiceId`;

/** Private endpoint services, private endpoints and the regionalized-endpoint setting. */
export function privateEndpointRoutes(ctx: RouteContext): AtlasRoute[] {
  const app = ctx.app;
  const read = { on: 'project', need: 'read' } as const;
  const write = { on: 'project', need: 'write' } as const;
  const set = 'privateEndpoints' as const;
  const provider = (p: Record<string, string>) => p.cloudProvider as CloudProvider;
  return [
    {
      method: 'POST',
      path: `${base}/endpointService`,
      operationId: 'createPrivateEndpointService',
      endpointSet: set,
      access: write,
      body: createServiceBody,
      handler: async (i) => created(endpointServiceView(await createEndpointService(app, i.state.project!, i.body as CreateServiceInput))),
    },
    {
      method: 'GET',
      path: `${base}/:cloudProvider/endpointService`,
      operationId: 'listPrivateEndpointService',
      endpointSet: set,
      access: read,
      handler: async (i) => ok((await listEndpointServices(app, i.state.project!, provider(i.params))).map(endpointServiceView)),
    },
    {
      method: 'GET',
      path: service,
      operationId: 'getPrivateEndpointService',
      endpointSet: set,
      access: read,
      handler: async (i) =>
        ok(endpointServiceView(await endpointServiceOf(app, i.state.project!, provider(i.params), i.params.endpointServiceId))),
    },
    {
      method: 'DELETE',
      path: service,
      operationId: 'deletePrivateEndpointService',
      endpointSet: set,
      access: write,
      handler: async (i) => {
        await deleteEndpointService(app, i.state.project!, provider(i.params), i.params.endpointServiceId);
        return accepted({});
      },
    },
    {
      method: 'PATCH',
      path: `${base}/endpointService/:endpointServiceId`,
      operationId: 'updatePrivateEndpointService',
      endpointSet: set,
      access: write,
      body: updateServiceBody,
      handler: async (i) =>
        ok(
          endpointServiceView(
            await updateEndpointService(app, i.state.project!, i.params.endpointServiceId, i.body as { cloudProvider: CloudProvider; supportedRemoteRegions?: string[] | null }),
          ),
        ),
    },
    {
      method: 'POST',
      path: `${service}/endpoint`,
      operationId: 'createPrivateEndpoint',
      endpointSet: set,
      access: write,
      body: createEndpointBody,
      handler: async (i) =>
        created(
          privateEndpointView(
            await createPrivateEndpoint(app, i.state.project!, provider(i.params), i.params.endpointServiceId, i.body as CreateEndpointInput),
          ),
        ),
    },
    {
      method: 'GET',
      path: `${service}/endpoint/:endpointId`,
      operationId: 'getPrivateEndpoint',
      endpointSet: set,
      access: read,
      handler: async (i) =>
        ok(privateEndpointView(await privateEndpointOf(app, i.state.project!, provider(i.params), i.params.endpointServiceId, i.params.endpointId))),
    },
    {
      method: 'DELETE',
      path: `${service}/endpoint/:endpointId`,
      operationId: 'deletePrivateEndpoint',
      endpointSet: set,
      access: write,
      handler: async (i) => {
        await deletePrivateEndpoint(app, i.state.project!, provider(i.params), i.params.endpointServiceId, i.params.endpointId);
        return accepted({});
      },
    },
    {
      method: 'GET',
      path: `${base}/regionalMode`,
      operationId: 'getRegionalEndpointMode',
      endpointSet: set,
      access: read,
      handler: async (i) => ok({ enabled: i.state.project!.regionalModeEnabled }),
    },
    {
      method: 'PATCH',
      path: `${base}/regionalMode`,
      operationId: 'toggleRegionalEndpointMode',
      endpointSet: set,
      access: write,
      body: regionalModeBody,
      handler: async (i) => {
        const { enabled } = i.body as { enabled: boolean };
        return accepted({ enabled: await setRegionalMode(app, i.state.project!, enabled) });
      },
    },
  ];
}
