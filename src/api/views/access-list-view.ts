import type { AccessListEntry } from '../../domain/access-list.ts';
import { isoSeconds } from '../../domain/ids.ts';
import { selfLink } from './links.ts';

/** `UserAccessListResponse`; `ipAddress` only for single addresses, usage fields only once used. */
export function accessListEntryView(base: string, prefix: string, orgId: string, e: AccessListEntry) {
  const path = `${prefix}/orgs/${orgId}/apiKeys/${e.keyId}/accessList/${encodeURIComponent(e.ipAddress ?? e.cidrBlock)}`;
  return {
    cidrBlock: e.cidrBlock,
    count: e.count,
    created: isoSeconds(e.createdAt),
    ...(e.ipAddress !== null ? { ipAddress: e.ipAddress } : {}),
    ...(e.lastUsedAt !== null ? { lastUsed: isoSeconds(e.lastUsedAt) } : {}),
    ...(e.lastUsedAddress !== null ? { lastUsedAddress: e.lastUsedAddress } : {}),
    links: [selfLink(base, path)],
  };
}
