import { isAtlasRegionName, toAtlasRegion, type CloudProvider } from '../domain/cloud-provider.ts';
import { initialEndpointService, type EndpointService, type EndpointServiceWithEndpoints } from '../domain/endpoint-service.ts';
import { atlasError } from '../domain/errors.ts';
import { newObjectId } from '../domain/ids.ts';
import type { Project } from '../domain/project.ts';
import type { AppContext } from './app-context.ts';

export interface CreateServiceInput {
  providerName: CloudProvider;
  region: string;
  portMappingEnabled?: boolean;
  supportedRemoteRegions?: string[] | null;
}

/** Atlas's remote-region rules: AWS only, exact Atlas region names, never the service's own region. */
export function checkRemoteRegions(provider: CloudProvider, region: string, regions: string[] | null | undefined): void {
  if (regions === undefined || regions === null) return;
  if (provider !== 'AWS') throw atlasError('PROVIDER_UNSUPPORTED', provider);
  for (const r of regions) if (!isAtlasRegionName('AWS', r)) throw atlasError('INVALID_ATTRIBUTE', 'supportedRemoteRegions');
  if (regions.includes(region)) throw atlasError('CROSS_REGION_PRIVATE_LINK_SELF_REGION', region);
}

/**
 * Records the intent to create a service and returns at once (INITIATING); the reconciler drives it.
 * One service per (project, provider, region), also while an older one is still deleting.
 */
export async function createEndpointService(ctx: AppContext, project: Project, input: CreateServiceInput): Promise<EndpointServiceWithEndpoints> {
  const provider = input.providerName;
  const region = toAtlasRegion(provider, input.region);
  if (!region) throw atlasError('INVALID_REGION', input.region, provider);
  if (input.portMappingEnabled === true && provider !== 'GCP') throw atlasError('INVALID_ATTRIBUTE', 'portMappingEnabled');
  checkRemoteRegions(provider, region, input.supportedRemoteRegions);
  const now = ctx.now();
  const service = initialEndpointService({
    id: newObjectId(now),
    projectId: project.id,
    provider,
    region,
    now,
    portMappingEnabled: input.portMappingEnabled,
    supportedRemoteRegions: input.supportedRemoteRegions,
  });

  if ((await ctx.store.insertEndpointService(service)) === 'duplicate-region') {
    throw atlasError('PRIVATE_ENDPOINT_SERVICE_ALREADY_EXISTS_FOR_REGION', provider, region);
  }
  return { ...service, endpointIds: [] };
}

/** A project's services of one provider, with their endpoint ids (Atlas answers a bare array). */
export function listEndpointServices(ctx: AppContext, project: Project, provider: CloudProvider): Promise<EndpointServiceWithEndpoints[]> {
  return ctx.store.listEndpointServices(project.id, provider);
}

/** A service of the project under the provider named in the path; a mismatch reads as missing. */
export async function endpointServiceOf(
  ctx: AppContext,
  project: Project,
  provider: CloudProvider,
  id: string,
): Promise<EndpointServiceWithEndpoints> {
  const s = await ctx.store.getEndpointService(project.id, id);
  if (!s || s.provider !== provider) throw atlasError('PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', id);
  return s;
}

/** The service row alone (no endpoint ids), for operations that only need to know it is there. */
export async function endpointServiceRecordOf(ctx: AppContext, project: Project, provider: CloudProvider, id: string): Promise<EndpointService> {
  const s = await ctx.store.findEndpointService(project.id, id);
  if (!s || s.provider !== provider) throw atlasError('PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', id);
  return s;
}

export async function deleteEndpointService(ctx: AppContext, project: Project, provider: CloudProvider, id: string): Promise<void> {
  await endpointServiceRecordOf(ctx, project, provider, id);
  const r = await ctx.store.requestServiceDeletion(project.id, id, ctx.now());
  if (r === 'missing') throw atlasError('PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', id);
  if (r === 'has-endpoints') throw atlasError('CANNOT_DELETE_PRIVATELINK_WITH_ENDPOINTS');
}

/** Changes an AWS service's remote regions (the only thing Atlas lets a PATCH change). */
export async function updateEndpointService(
  ctx: AppContext,
  project: Project,
  id: string,
  input: { cloudProvider: CloudProvider; supportedRemoteRegions?: string[] | null },
): Promise<EndpointServiceWithEndpoints> {
  const s = await ctx.store.getEndpointService(project.id, id);
  if (!s) throw atlasError('PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', id);
  if (input.cloudProvider !== 'AWS' || s.provider !== 'AWS') throw atlasError('PROVIDER_UNSUPPORTED', input.cloudProvider === 'AWS' ? s.provider : input.cloudProvider);
  const regions = input.supportedRemoteRegions ?? null;
  checkRemoteRegions('AWS', s.region, regions);
  const updated = await ctx.store.updateServiceRemoteRegions(project.id, id, regions);
  if (!updated) throw atlasError('PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', id);
  return updated;
}
