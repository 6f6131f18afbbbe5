import type { CloudProvider } from './cloud-provider.ts';
import type { ServiceStatus } from './lifecycle.ts';

/**
 * A private endpoint service (AWS endpoint service, Azure private link service, GCP service
 * attachments). One per (project, provider, region), also while it is deleting. Provider-specific
 * names stay null (or empty) until the cloud reports them.
 */
export interface EndpointService {
  id: string;
  projectId: string;
  provider: CloudProvider;
  /** Atlas region name (`US_EAST_1`). */
  region: string;
  status: ServiceStatus;
  errorMessage: string | null;
  deleteRequested: boolean;
  /** AWS `com.amazonaws.vpce.<region>.vpce-svc-<17 hex>`. */
  endpointServiceName: string | null;
  /** Azure `pls_<id>` and its resource id. */
  privateLinkServiceName: string | null;
  privateLinkServiceResourceId: string | null;
  /** GCP attachments in index order, all six once AVAILABLE. */
  serviceAttachmentNames: string[];
  /** GCP only; null for other providers. */
  portMappingEnabled: boolean | null;
  /** AWS only; Atlas region names. */
  supportedRemoteRegions: string[] | null;
  createdAt: number;
  /** When the current status began (drives the simulated cloud's timings). */
  statusSince: number;
  version: number;
  nextReconcileAt: number | null;
}

/** A service with the ids of its endpoints, in creation order, as views render it. */
export interface EndpointServiceWithEndpoints extends EndpointService {
  endpointIds: string[];
}

export const GCP_ATTACHMENT_COUNT = 6;

/**
 * A service as Atlas creates it: INITIATING, names null until the cloud reports them, due for its
 * first look at once. GCP keeps `portMappingEnabled` (false by default); AWS keeps remote regions.
 */
export function initialEndpointService(input: {
  id: string;
  projectId: string;
  provider: CloudProvider;
  region: string;
  now: number;
  portMappingEnabled?: boolean;
  supportedRemoteRegions?: string[] | null;
}): EndpointService {
  return {
    id: input.id,
    projectId: input.projectId,
    provider: input.provider,
    region: input.region,
    status: 'INITIATING',
    errorMessage: null,
    deleteRequested: false,
    endpointServiceName: null,
    privateLinkServiceName: null,
    privateLinkServiceResourceId: null,
    serviceAttachmentNames: [],
    portMappingEnabled: input.provider === 'GCP' ? (input.portMappingEnabled ?? false) : null,
    supportedRemoteRegions: input.provider === 'AWS' ? (input.supportedRemoteRegions ?? null) : null,
    createdAt: input.now,
    statusSince: input.now,
    version: 1,
    nextReconcileAt: input.now,
  };
}
