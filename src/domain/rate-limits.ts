/**
 * Atlas's token-bucket rate limits by endpoint set (capacity, refill per 60 s) and the scope a bucket
 * is kept for: one bucket per project (GROUP), per organization, or per API key (USER).
 */
export type RateScope = 'GROUP' | 'ORGANIZATION' | 'USER';

export interface EndpointSetLimit {
  scope: RateScope;
  capacity: number;
  refillPerMinute: number;
  /** The path Atlas names in its 429 detail. */
  label: string;
}

export const ENDPOINT_SETS = {
  privateEndpoints: { scope: 'GROUP', capacity: 4000, refillPerMinute: 2000, label: 'api/atlas/v2/groups/{groupId}/privateEndpoint' },
  project: { scope: 'GROUP', capacity: 1200, refillPerMinute: 500, label: 'api/atlas/v2/groups/{groupId}' },
  projects: { scope: 'USER', capacity: 1200, refillPerMinute: 500, label: 'api/atlas/v2/groups' },
  projectApiKeys: { scope: 'GROUP', capacity: 1200, refillPerMinute: 500, label: 'api/atlas/v2/groups/{groupId}/apiKeys' },
  orgApiKeys: { scope: 'ORGANIZATION', capacity: 500, refillPerMinute: 250, label: 'api/atlas/v2/orgs/{orgId}/apiKeys' },
  organization: { scope: 'ORGANIZATION', capacity: 500, refillPerMinute: 250, label: 'api/atlas/v2/orgs/{orgId}' },
  organizations: { scope: 'USER', capacity: 300, refillPerMinute: 100, label: 'api/atlas/v2/orgs' },
} as const satisfies Record<string, EndpointSetLimit>;

export type EndpointSetName = keyof typeof ENDPOINT_SETS;
