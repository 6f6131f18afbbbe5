import type { CloudProvider } from './cloud-provider.ts';
import { initialEndpointStatus, type EndpointStatus } from './lifecycle.ts';

/** One GCP forwarding rule of an endpoint group, with its own status. */
export interface GcpForwardingRule {
  endpointName: string;
  ipAddress: string;
  status: EndpointStatus;
}

/**
 * A private endpoint attached to an endpoint service: an AWS interface endpoint (`vpce-...`), an Azure
 * private endpoint (resource id) or a GCP endpoint group (group name). `endpointId` is unique within
 * its service. A FAILED or REJECTED endpoint stays so until deleted.
 */
export interface PrivateEndpoint {
  serviceId: string;
  projectId: string;
  provider: CloudProvider;
  endpointId: string;
  status: EndpointStatus;
  errorMessage: string | null;
  deleteRequested: boolean;
  /** Azure */
  privateEndpointIPAddress: string | null;
  privateEndpointConnectionName: string | null;
  /** GCP */
  gcpProjectId: string | null;
  endpoints: GcpForwardingRule[];
  portMappingEnabled: boolean | null;
  createdAt: number;
  statusSince: number;
  version: number;
  nextReconcileAt: number | null;
}

/**
 * An endpoint as Atlas records it on creation: the provider's first status (AWS PENDING_ACCEPTANCE,
 * Azure and GCP INITIATING, every GCP forwarding rule INITIATING), nothing failed or requested yet,
 * due for its first look at once. Provider-specific fields stay null for other providers.
 */
export function initialPrivateEndpoint(input: {
  serviceId: string;
  projectId: string;
  provider: CloudProvider;
  endpointId: string;
  now: number;
  privateEndpointIPAddress?: string;
  gcpProjectId?: string;
  forwardingRules?: { endpointName: string; ipAddress: string }[];
  portMappingEnabled?: boolean;
}): PrivateEndpoint {
  const { provider } = input;
  return {
    serviceId: input.serviceId,
    projectId: input.projectId,
    provider,
    endpointId: input.endpointId,
    status: initialEndpointStatus(provider),
    errorMessage: null,
    deleteRequested: false,
    privateEndpointIPAddress: provider === 'AZURE' ? (input.privateEndpointIPAddress ?? null) : null,
    privateEndpointConnectionName: null,
    gcpProjectId: provider === 'GCP' ? (input.gcpProjectId ?? null) : null,
    endpoints: provider === 'GCP' ? (input.forwardingRules ?? []).map((r) => ({ ...r, status: 'INITIATING' as const })) : [],
    portMappingEnabled: provider === 'GCP' ? (input.portMappingEnabled ?? false) : null,
    createdAt: input.now,
    statusSince: input.now,
    version: 1,
    nextReconcileAt: input.now,
  };
}
