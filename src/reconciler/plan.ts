import { ENDPOINT_FAILURE, canTransitionEndpoint, type EndpointStatus } from '../domain/lifecycle.ts';
import type { EndpointService } from '../domain/endpoint-service.ts';
import type { PrivateEndpoint } from '../domain/private-endpoint.ts';
import type { EndpointObservation, ServiceObservation } from '../providers/driver.ts';
import type { EndpointPatch, ServicePatch } from '../store/store.ts';

/** The next step for a row: a patch, or removal once the cloud has let go of it. */
export type Plan<P> = { patch: P } | { remove: true };

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Pure: a service's stored state plus what the cloud says gives the next stored state and when to
 * look again. Only transitions the lifecycle table allows are planned; a resolved service (AVAILABLE,
 * FAILED) is not looked at again.
 */
export function planService(s: EndpointService, obs: ServiceObservation, now: number): Plan<ServicePatch> {
  const settling = s.status === 'INITIATING' || s.status === 'WAITING_FOR_USER';
  switch (obs.state) {
    case 'gone':
      return s.status === 'DELETING' ? { remove: true } : { patch: { nextReconcileAt: null } };
    case 'deleting':
      return { patch: { nextReconcileAt: obs.lookAgainAt } };
    case 'provisioning': {
      if (!settling) return { patch: { nextReconcileAt: null } };
      const names = obs.serviceAttachmentNames;
      return names && !sameList(names, s.serviceAttachmentNames)
        ? { patch: { serviceAttachmentNames: names, nextReconcileAt: obs.lookAgainAt } }
        : { patch: { nextReconcileAt: obs.lookAgainAt } };
    }
    case 'ready':
      if (!settling) return { patch: { nextReconcileAt: null } };
      return {
        patch: {
          status: 'AVAILABLE',
          errorMessage: null,
          statusSince: now,
          nextReconcileAt: null,
          ...(obs.endpointServiceName !== undefined ? { endpointServiceName: obs.endpointServiceName } : {}),
          ...(obs.privateLinkServiceName !== undefined ? { privateLinkServiceName: obs.privateLinkServiceName } : {}),
          ...(obs.privateLinkServiceResourceId !== undefined ? { privateLinkServiceResourceId: obs.privateLinkServiceResourceId } : {}),
          ...(obs.serviceAttachmentNames !== undefined ? { serviceAttachmentNames: obs.serviceAttachmentNames } : {}),
        },
      };
    case 'failed':
      if (!settling) return { patch: { nextReconcileAt: null } };
      return { patch: { status: 'FAILED', errorMessage: obs.errorMessage, statusSince: now, nextReconcileAt: null } };
  }
}

function rules(e: PrivateEndpoint, status: EndpointStatus): PrivateEndpoint['endpoints'] {
  const ruleStatus: EndpointStatus = status === 'VERIFIED' ? 'INITIATING' : status;
  return e.endpoints.map((r) => ({ ...r, status: ruleStatus }));
}

/** Pure: the next stored state of an endpoint from what the cloud says. */
export function planEndpoint(e: PrivateEndpoint, obs: EndpointObservation, now: number): Plan<EndpointPatch> {
  switch (obs.state) {
    case 'gone':
      return e.status === 'DELETING' ? { remove: true } : { patch: { nextReconcileAt: null } };
    case 'deleting':
      return { patch: { nextReconcileAt: obs.lookAgainAt } };
    case 'progressing':
      if (obs.status === e.status) return { patch: { nextReconcileAt: obs.lookAgainAt } };
      if (!canTransitionEndpoint(e.provider, e.status, obs.status)) return { patch: { nextReconcileAt: null } };
      return {
        patch: {
          status: obs.status,
          statusSince: now,
          nextReconcileAt: obs.lookAgainAt,
          ...(obs.status === 'DELETING' ? { deleteRequested: true } : {}),
          endpoints: rules(e, obs.status),
          ...(obs.privateEndpointConnectionName !== undefined ? { privateEndpointConnectionName: obs.privateEndpointConnectionName } : {}),
        },
      };
    case 'ready':
      if (!canTransitionEndpoint(e.provider, e.status, 'AVAILABLE')) return { patch: { nextReconcileAt: null } };
      return {
        patch: {
          status: 'AVAILABLE',
          errorMessage: null,
          statusSince: now,
          nextReconcileAt: null,
          endpoints: rules(e, 'AVAILABLE'),
          ...(obs.privateEndpointConnectionName !== undefined ? { privateEndpointConnectionName: obs.privateEndpointConnectionName } : {}),
        },
      };
    case 'failed': {
      const failure = ENDPOINT_FAILURE[e.provider];
      if (!canTransitionEndpoint(e.provider, e.status, failure)) return { patch: { nextReconcileAt: null } };
      return {
        patch: {
          status: failure,
          errorMessage: obs.errorMessage,
          statusSince: now,
          nextReconcileAt: null,
          endpoints: rules(e, 'FAILED'),
        },
      };
    }
  }
}
