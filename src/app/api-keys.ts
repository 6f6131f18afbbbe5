import { computeHa1, REALM } from '../auth/digest.ts';
import { newPrivateKey, newPublicKey, type ApiKey, type ApiKeyWithGrants } from '../domain/api-key.ts';
import { atlasError } from '../domain/errors.ts';
import { newObjectId } from '../domain/ids.ts';
import type { Project } from '../domain/project.ts';
import { isGroupRole, isOrgRole } from '../domain/roles.ts';
import type { PageRequest, PageResult } from '../store/store.ts';
import type { AppContext } from './app-context.ts';

export const DESC_MAX = 250;

function checkDesc(desc: string): void {
  if (desc.length < 1 || desc.length > DESC_MAX) throw atlasError('INVALID_API_KEY_DESC');
}

export function checkOrgRoles(orgId: string, roles: string[]): void {
  if (roles.length === 0) throw atlasError('MISSING_API_KEY_ROLES');
  for (const r of roles) if (!isOrgRole(r)) throw atlasError('INVALID_ROLE_FOR_ORG', r, orgId);
}

export function checkGroupRoles(groupId: string, roles: string[]): void {
  if (roles.length === 0) throw atlasError('MISSING_API_KEY_ROLES');
  for (const r of roles) if (!isGroupRole(r)) throw atlasError('INVALID_ROLE_FOR_GROUP', r, groupId);
}

/** A new key and its private key in clear (shown once; only its HA1 is kept). */
export function mintApiKey(orgId: string, desc: string, orgRoles: string[], now: number, fixed?: { publicKey: string; privateKey: string }) {
  const publicKey = fixed?.publicKey ?? newPublicKey();
  const privateKey = fixed?.privateKey ?? newPrivateKey();
  const key: ApiKey = {
    id: newObjectId(now),
    orgId,
    desc,
    publicKey,
    ha1: computeHa1(publicKey, REALM, privateKey),
    privateKeyTail: privateKey.slice(-12),
    createdAt: now,
    orgRoles: [...new Set(orgRoles)],
  };
  return { key, privateKey };
}

export async function createOrgApiKey(ctx: AppContext, orgId: string, desc: string, roles: string[]) {
  checkDesc(desc);
  checkOrgRoles(orgId, roles);
  const { key, privateKey } = mintApiKey(orgId, desc, roles, ctx.now());
  await ctx.store.insertApiKey(key);
  return { key: { ...key, projectRoles: new Map<string, string[]>() }, privateKey };
}

/** A key of the organization, or 404 API_KEY_NOT_FOUND (also for keys of other organizations). */
export async function orgApiKey(ctx: AppContext, orgId: string, keyId: string): Promise<ApiKeyWithGrants> {
  const key = await ctx.store.getApiKey(keyId);
  if (!key || key.orgId !== orgId) throw atlasError('API_KEY_NOT_FOUND', keyId);
  return key;
}

export async function updateOrgApiKey(ctx: AppContext, orgId: string, keyId: string, patch: { desc?: string; roles?: string[] }) {
  await orgApiKey(ctx, orgId, keyId);
  if (patch.desc !== undefined) checkDesc(patch.desc);
  if (patch.roles !== undefined) checkOrgRoles(orgId, patch.roles);
  await ctx.store.updateApiKey(keyId, { desc: patch.desc, orgRoles: patch.roles && [...new Set(patch.roles)] });
  ctx.identityChanged?.();
  return orgApiKey(ctx, orgId, keyId);
}

export async function deleteOrgApiKey(ctx: AppContext, orgId: string, keyId: string): Promise<void> {
  await orgApiKey(ctx, orgId, keyId);
  await ctx.store.deleteApiKey(keyId);
  ctx.identityChanged?.();
}

export function listOrgApiKeys(ctx: AppContext, orgId: string, page: PageRequest): Promise<PageResult<ApiKeyWithGrants>> {
  return ctx.store.listApiKeys(orgId, page);
}

export function listProjectApiKeys(ctx: AppContext, project: Project, page: PageRequest): Promise<PageResult<ApiKeyWithGrants>> {
  return ctx.store.listProjectApiKeys(project.id, page);
}

/** Grants (or replaces) a key's roles on a project; the key must belong to the project's organization. */
export async function assignApiKeyToProject(ctx: AppContext, project: Project, keyId: string, roles: string[]) {
  const key = await orgApiKey(ctx, project.orgId, keyId);
  checkGroupRoles(project.id, roles);
  await ctx.store.setProjectRoles(key.id, project.id, [...new Set(roles)]);
  ctx.identityChanged?.();
  return orgApiKey(ctx, project.orgId, keyId);
}

/** A project-created key is an organization key with ORG_MEMBER and the given project roles. */
export async function createProjectApiKey(ctx: AppContext, project: Project, desc: string, roles: string[]) {
  checkDesc(desc);
  checkGroupRoles(project.id, roles);
  const { key, privateKey } = mintApiKey(project.orgId, desc, ['ORG_MEMBER'], ctx.now());
  await ctx.store.insertApiKey(key);
  await ctx.store.setProjectRoles(key.id, project.id, [...new Set(roles)]);
  return { key: await orgApiKey(ctx, project.orgId, key.id), privateKey };
}

export async function unassignApiKey(ctx: AppContext, project: Project, keyId: string): Promise<void> {
  await orgApiKey(ctx, project.orgId, keyId);
  if (!(await ctx.store.removeProjectRoles(keyId, project.id))) throw atlasError('API_KEY_NOT_FOUND', keyId);
  ctx.identityChanged?.();
}
