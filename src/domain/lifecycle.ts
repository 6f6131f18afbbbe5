import type { CloudProvider } from './cloud-provider.ts';

/**
 * Lifecycle vocabularies, as Atlas reports them. Clients (Terraform's waiters, the Kubernetes
 * operator) abort on a status outside their pending/target sets, so nothing else is ever written.
 */
export const SERVICE_STATUSES = ['INITIATING', 'AVAILABLE', 'WAITING_FOR_USER', 'FAILED', 'DELETING'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export const AWS_ENDPOINT_STATUSES = ['PENDING_ACCEPTANCE', 'PENDING', 'AVAILABLE', 'REJECTED', 'DELETING'] as const;
export const AZURE_ENDPOINT_STATUSES = ['INITIATING', 'AVAILABLE', 'FAILED', 'DELETING'] as const;
export const GCP_ENDPOINT_STATUSES = ['INITIATING', 'VERIFIED', 'AVAILABLE', 'FAILED', 'DELETING'] as const;
export type EndpointStatus =
  | (typeof AWS_ENDPOINT_STATUSES)[number]
  | (typeof AZURE_ENDPOINT_STATUSES)[number]
  | (typeof GCP_ENDPOINT_STATUSES)[number];

/** Allowed service transitions; the reconciler refuses anything not listed. */
export const SERVICE_TRANSITIONS: Record<ServiceStatus, readonly ServiceStatus[]> = {
  INITIATING: ['AVAILABLE', 'FAILED', 'DELETING'],
  WAITING_FOR_USER: ['AVAILABLE', 'FAILED', 'DELETING'],
  AVAILABLE: ['DELETING', 'FAILED'],
  FAILED: ['DELETING'],
  DELETING: [],
};

/** The path an endpoint takes to AVAILABLE, per provider, after its initial status. */
export const ENDPOINT_PATH: Record<CloudProvider, readonly EndpointStatus[]> = {
  AWS: ['PENDING_ACCEPTANCE', 'PENDING', 'AVAILABLE'],
  AZURE: ['INITIATING', 'AVAILABLE'],
  GCP: ['INITIATING', 'VERIFIED', 'AVAILABLE'],
};

/** The terminal failure status of an endpoint per provider. */
export const ENDPOINT_FAILURE: Record<CloudProvider, EndpointStatus> = {
  AWS: 'REJECTED',
  AZURE: 'FAILED',
  GCP: 'FAILED',
};

export function initialEndpointStatus(provider: CloudProvider): EndpointStatus {
  return ENDPOINT_PATH[provider][0];
}

export function canTransitionEndpoint(provider: CloudProvider, from: EndpointStatus, to: EndpointStatus): boolean {
  if (from === 'DELETING') return false;
  if (to === 'DELETING') return true;
  const path = ENDPOINT_PATH[provider];
  const i = path.indexOf(from);
  if (i < 0) return false;
  if (to === ENDPOINT_FAILURE[provider]) return from !== 'AVAILABLE';
  return path.indexOf(to) > i;
}

export function canTransitionService(from: ServiceStatus, to: ServiceStatus): boolean {
  return SERVICE_TRANSITIONS[from].includes(to);
}
