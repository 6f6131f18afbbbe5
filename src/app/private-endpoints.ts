import { isIP } from 'node:net';
import type { CloudProvider } from '../domain/cloud-provider.ts';
import { atlasError } from '../domain/errors.ts';
import { initialPrivateEndpoint, type PrivateEndpoint } from '../domain/private-endpoint.ts';
import type { Project } from '../domain/project.ts';
import type { AppContext } from './app-context.ts';
import { endpointServiceRecordOf } from './endpoint-services.ts';

export interface CreateEndpointInput {
  id?: string;
  privateEndpointIPAddress?: string;
  endpointGroupName?: string;
  gcpProjectId?: string;
  endpoints?: { endpointName?: string; ipAddress?: string }[];
}

export const AWS_ENDPOINT_ID = /^vpce-[0-9a-f]{17}$/;
export const AZURE_ENDPOINT_ID =
  /^\/subscriptions\/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\/resource[gG]roups\/[-\w._()]{1,90}\/providers\/Microsoft\.Network\/privateEndpoints\/[-\w._]{1,80}$/;
/** GCP resource names (endpoint groups, forwarding rules) and project ids. */
export const GCP_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const GCP_PROJECT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;

const ALLOWED: Record<CloudProvider, readonly (keyof CreateEndpointInput)[]> = {
  AWS: ['id'],
  AZURE: ['id', 'privateEndpointIPAddress'],
  GCP: ['endpointGroupName', 'gcpProjectId', 'endpoints'],
};

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw atlasError('MISSING_ATTRIBUTE', name);
  return value;
}

/** Validates a create-endpoint body against the rules of the service's provider; returns its id. */
export function checkEndpointInput(provider: CloudProvider, input: CreateEndpointInput, portMapped: boolean): string {
  for (const k of Object.keys(input) as (keyof CreateEndpointInput)[]) {
    if (!ALLOWED[provider].includes(k)) throw atlasError('INVALID_ATTRIBUTE', k);
  }
  switch (provider) {
    case 'AWS': {
      const id = required(input.id, 'id');
      if (!AWS_ENDPOINT_ID.test(id)) throw atlasError('INVALID_ATTRIBUTE', 'id');
      return id;
    }
    case 'AZURE': {
      const id = required(input.id, 'id');
      const ip = required(input.privateEndpointIPAddress, 'privateEndpointIPAddress');
      if (!AZURE_ENDPOINT_ID.test(id)) throw atlasError('INVALID_ATTRIBUTE', 'id');
      if (!isIP(ip)) throw atlasError('INVALID_ATTRIBUTE', 'privateEndpointIPAddress');
      return id;
    }
    case 'GCP': {
      const group = required(input.endpointGroupName, 'endpointGroupName');
      const project = required(input.gcpProjectId, 'gcpProjectId');
      const endpoints = required(input.endpoints, 'endpoints');
      if (!GCP_NAME.test(group)) throw atlasError('INVALID_ATTRIBUTE', 'endpointGroupName');
      if (!GCP_PROJECT_ID.test(project)) throw atlasError('INVALID_ATTRIBUTE', 'gcpProjectId');
      if (endpoints.length === 0 || (portMapped && endpoints.length !== 1)) throw atlasError('INVALID_ATTRIBUTE', 'endpoints');
      const names = new Set<string>();
      for (const e of endpoints) {
        const name = required(e.endpointName, 'endpointName');
        const ip = required(e.ipAddress, 'ipAddress');
        if (!GCP_NAME.test(name) || names.has(name)) throw atlasError('INVALID_ATTRIBUTE', 'endpointName');
        if (isIP(ip) !== 4) throw atlasError('INVALID_ATTRIBUTE', 'ipAddress');
        names.add(name);
      }
      return group;
    }
  }
}

/**
 * Records a new endpoint under an AVAILABLE service and returns at once in its first status.
 * A duplicate id is 409 while the old one exists (a FAILED or REJECTED one must be deleted first).
 */
export async function createPrivateEndpoint(
  ctx: AppContext,
  project: Project,
  provider: CloudProvider,
  serviceId: string,
  input: CreateEndpointInput,
): Promise<PrivateEndpoint> {
  const service = await endpointServiceRecordOf(ctx, project, provider, serviceId);
  const endpointId = checkEndpointInput(provider, input, service.portMappingEnabled === true);
  const now = ctx.now();
  const endpoint = initialPrivateEndpoint({
    serviceId,
    projectId: project.id,
    provider,
    endpointId,
    now,
    privateEndpointIPAddress: input.privateEndpointIPAddress,
    gcpProjectId: input.gcpProjectId,
    forwardingRules: input.endpoints?.map((e) => ({ endpointName: e.endpointName!, ipAddress: e.ipAddress! })),
    portMappingEnabled: service.portMappingEnabled === true,
  });

  switch (await ctx.store.insertPrivateEndpoint(endpoint)) {
    case 'ok':
      return endpoint;
    case 'service-missing':
      throw atlasError('PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', serviceId);
    case 'duplicate':
      throw atlasError('PRIVATELINK_INTERFACE_ENDPOINT_ALREADY_EXISTS', endpointId);
    case 'service-not-available':
      throw atlasError('PRIVATELINK_CANNOT_ACCEPT_ENDPOINTS', serviceId);
  }
}

export async function privateEndpointOf(
  ctx: AppContext,
  project: Project,
  provider: CloudProvider,
  serviceId: string,
  endpointId: string,
): Promise<PrivateEndpoint> {
  await endpointServiceRecordOf(ctx, project, provider, serviceId);
  const e = await ctx.store.getPrivateEndpoint(serviceId, endpointId);
  if (!e) throw atlasError('PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', endpointId);
  return e;
}

/** Marks the endpoint DELETING with deleteRequested; the reconciler removes it. */
export async function deletePrivateEndpoint(
  ctx: AppContext,
  project: Project,
  provider: CloudProvider,
  serviceId: string,
  endpointId: string,
): Promise<void> {
  await endpointServiceRecordOf(ctx, project, provider, serviceId);
  if (!(await ctx.store.requestEndpointDeletion(serviceId, endpointId, ctx.now()))) {
    throw atlasError('PRIVATE_ENDPOINT_SERVICE_NOT_FOUND', endpointId);
  }
}
