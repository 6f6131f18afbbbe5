import { cidrContains, parseAccessListInput, type AccessListEntry } from '../domain/access-list.ts';
import { atlasError } from '../domain/errors.ts';
import type { Principal } from '../domain/roles.ts';
import type { PageRequest, PageResult } from '../store/store.ts';
import type { AppContext } from './app-context.ts';
import { orgApiKey } from './api-keys.ts';

export interface AccessListInput {
  ipAddress?: string;
  cidrBlock?: string;
}

/** Adds entries (each an address or a block, never both); existing entries keep their counters. */
export async function addAccessListEntries(ctx: AppContext, orgId: string, keyId: string, inputs: AccessListInput[]): Promise<void> {
  await orgApiKey(ctx, orgId, keyId);
  const now = ctx.now();
  const entries: AccessListEntry[] = inputs.map((i) => {
    if (i.ipAddress !== undefined && i.cidrBlock !== undefined) throw atlasError('BAD_ACCESS_LIST_ADD_REQUEST');
    if (i.ipAddress === undefined && i.cidrBlock === undefined) throw atlasError('MISSING_ATTRIBUTE', 'ipAddress');
    const parsed = parseAccessListInput(i.ipAddress, i.cidrBlock);
    if (!parsed) throw atlasError('INVALID_IP_ADDRESS_OR_CIDR_NOTATION', i.ipAddress ?? i.cidrBlock);
    return { keyId, ...parsed, createdAt: now, count: 0, lastUsedAt: null, lastUsedAddress: null };
  });
  await ctx.store.addAccessListEntries(entries);
  ctx.identityChanged?.();
}

/** One page of a key's access list. */
export async function listAccessList(ctx: AppContext, orgId: string, keyId: string, page: PageRequest): Promise<PageResult<AccessListEntry>> {
  await orgApiKey(ctx, orgId, keyId);
  return ctx.store.listAccessList(keyId, page);
}

/** The entry addressed by `{ipAddress}` in the path: an address or a (percent-decoded) block. */
export async function accessListEntry(ctx: AppContext, orgId: string, keyId: string, address: string): Promise<AccessListEntry> {
  await orgApiKey(ctx, orgId, keyId);
  const parsed = address.includes('/') ? parseAccessListInput(undefined, address) : parseAccessListInput(address);
  const entry = parsed && (await ctx.store.getAccessListEntry(keyId, parsed.cidrBlock));
  if (!entry) throw atlasError('API_KEY_ACCESS_LIST_NOT_FOUND', address, keyId);
  return entry;
}

/** Removes an entry; a key cannot remove the entry that admits the address it is calling from. */
export async function deleteAccessListEntry(
  ctx: AppContext,
  caller: Principal,
  callerIp: string,
  orgId: string,
  keyId: string,
  address: string,
): Promise<void> {
  const entry = await accessListEntry(ctx, orgId, keyId, address);
  if (caller.keyId === keyId && cidrContains(entry.cidrBlock, callerIp)) {
    throw atlasError('CANNOT_REMOVE_CALLER_FROM_ACCESS_LIST', callerIp);
  }
  await ctx.store.deleteAccessListEntry(keyId, entry.cidrBlock);
  ctx.identityChanged?.();
}
