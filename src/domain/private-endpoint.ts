import type { CloudProvider } from './cloud-provider.ts';
import type { EndpointStatus } from './lifecycle.ts';

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
