import type { EndpointServiceWithEndpoints } from '../../domain/endpoint-service.ts';

/**
 * `EndpointService` exactly as Atlas records it: only the keys of that provider, alphabetical,
 * nulls written out. AWS `supportedRemoteRegions` is null until set.
 */
export function endpointServiceView(s: EndpointServiceWithEndpoints) {
  switch (s.provider) {
    case 'AWS':
      return {
        cloudProvider: s.provider,
        endpointServiceName: s.endpointServiceName,
        errorMessage: s.errorMessage,
        id: s.id,
        interfaceEndpoints: s.endpointIds,
        regionName: s.region,
        status: s.status,
        supportedRemoteRegions: s.supportedRemoteRegions,
      };
    case 'AZURE':
      return {
        cloudProvider: s.provider,
        errorMessage: s.errorMessage,
        id: s.id,
        privateEndpoints: s.endpointIds,
        privateLinkServiceName: s.privateLinkServiceName,
        privateLinkServiceResourceId: s.privateLinkServiceResourceId,
        regionName: s.region,
        status: s.status,
      };
    case 'GCP':
      return {
        cloudProvider: s.provider,
        endpointGroupNames: s.endpointIds,
        errorMessage: s.errorMessage,
        id: s.id,
        portMappingEnabled: s.portMappingEnabled ?? false,
        regionName: s.region,
        serviceAttachmentNames: s.serviceAttachmentNames,
        status: s.status,
      };
  }
}
