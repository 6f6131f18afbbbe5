import type { PrivateEndpoint } from '../../domain/private-endpoint.ts';

/**
 * `PrivateLinkEndpoint` per provider, alphabetical keys, nulls written out. AWS reports
 * `connectionStatus`; Azure and GCP report `status` (GCP also one status per forwarding rule).
 */
export function privateEndpointView(e: PrivateEndpoint) {
  switch (e.provider) {
    case 'AWS':
      return {
        cloudProvider: e.provider,
        connectionStatus: e.status,
        deleteRequested: e.deleteRequested,
        errorMessage: e.errorMessage,
        interfaceEndpointId: e.endpointId,
      };
    case 'AZURE':
      return {
        cloudProvider: e.provider,
        deleteRequested: e.deleteRequested,
        errorMessage: e.errorMessage,
        privateEndpointConnectionName: e.privateEndpointConnectionName,
        privateEndpointIPAddress: e.privateEndpointIPAddress,
        privateEndpointResourceId: e.endpointId,
        status: e.status,
      };
    case 'GCP':
      return {
        cloudProvider: e.provider,
        deleteRequested: e.deleteRequested,
        endpointGroupName: e.endpointId,
        // A group being deleted takes its forwarding rules with it: they report DELETING too.
        endpoints: e.endpoints.map((r) => ({
          endpointName: r.endpointName,
          ipAddress: r.ipAddress,
          status: e.status === 'DELETING' ? 'DELETING' : r.status,
        })),
        errorMessage: e.errorMessage,
        gcpProjectId: e.gcpProjectId,
        portMappingEnabled: e.portMappingEnabled ?? false,
        status: e.status,
      };
  }
}
