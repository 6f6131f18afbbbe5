import type { EndpointService } from '../domain/endpoint-service.ts';
import type { EndpointStatus } from '../domain/lifecycle.ts';
import type { PrivateEndpoint } from '../domain/private-endpoint.ts';

/** What the cloud says about a service right now. */
export type ServiceObservation =
  | { state: 'provisioning'; serviceAttachmentNames?: string[]; lookAgainAt: number }
  | {
      state: 'ready';
      endpointServiceName?: string;
      privateLinkServiceName?: string;
      privateLinkServiceResourceId?: string;
      serviceAttachmentNames?: string[];
    }
  | { state: 'failed'; errorMessage: string }
  | { state: 'deleting'; lookAgainAt: number }
  | { state: 'gone' };

/** What the cloud says about an endpoint right now. */
export type EndpointObservation =
  | { state: 'progressing'; status: EndpointStatus; lookAgainAt: number; privateEndpointConnectionName?: string }
  | { state: 'ready'; privateEndpointConnectionName?: string }
  | { state: 'failed'; errorMessage: string }
  | { state: 'deleting'; lookAgainAt: number }
  | { state: 'gone' };

/**
 * The boundary to a cloud. The reconciler asks; the driver answers from the cloud's point of view
 * and never writes to the store. Implementations: the simulated cloud (default); real clouds later.
 */
export interface CloudDriver {
  observeService(service: EndpointService, now: number): Promise<ServiceObservation>;
  observeEndpoint(endpoint: PrivateEndpoint, now: number): Promise<EndpointObservation>;
}
