import type { CloudProvider } from './cloud-provider.ts';

/**
 * A simulation fault: services or endpoints matching `match` end in `outcome` instead of AVAILABLE.
 * STUCK keeps a matching resource in its current status until the rule is removed.
 */
export interface FaultRule {
  id: string;
  provider: CloudProvider;
  kind: 'endpointService' | 'endpoint';
  match: FaultMatch;
  outcome: 'FAILED' | 'REJECTED' | 'STUCK';
  errorMessage: string | null;
  createdAt: number;
}

export interface FaultMatch {
  projectId?: string;
  region?: string;
  endpointServiceId?: string;
  endpointId?: string;
}

export const FAULT_MATCH_KEYS = ['projectId', 'region', 'endpointServiceId', 'endpointId'] as const;
