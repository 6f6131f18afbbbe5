/**
 * Atlas roles and what they allow. Organization roles belong to a key in its organization; project
 * roles to a key in one project. Every project role grants read; only GROUP_OWNER grants write;
 * ORG_OWNER implies GROUP_OWNER on every project of its organization and ORG_READ_ONLY implies read.
 */
export const ORG_ROLES = [
  'ORG_OWNER',
  'ORG_GROUP_CREATOR',
  'ORG_BILLING_ADMIN',
  'ORG_BILLING_READ_ONLY',
  'ORG_READ_ONLY',
  'ORG_MEMBER',
  'ORG_STREAM_PROCESSING_ADMIN',
] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export const GROUP_ROLES = [
  'GROUP_OWNER',
  'GROUP_CLUSTER_MANAGER',
  'GROUP_STREAM_PROCESSING_OWNER',
  'GROUP_DATA_ACCESS_ADMIN',
  'GROUP_DATA_ACCESS_READ_WRITE',
  'GROUP_DATA_ACCESS_READ_ONLY',
  'GROUP_DATABASE_ACCESS_ADMIN',
  'GROUP_BACKUP_MANAGER',
  'GROUP_OBSERVABILITY_VIEWER',
  'GROUP_READ_ONLY',
  'GROUP_SEARCH_INDEX_EDITOR',
] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

export function isOrgRole(x: unknown): x is OrgRole {
  return typeof x === 'string' && (ORG_ROLES as readonly string[]).includes(x);
}
export function isGroupRole(x: unknown): x is GroupRole {
  return typeof x === 'string' && (GROUP_ROLES as readonly string[]).includes(x);
}

/** What a caller may do: on an organization (member, read, write, create projects) or on a project. */
export type OrgAccess = 'member' | 'read' | 'createProject' | 'owner';
export type ProjectAccess = 'read' | 'write';

export interface Principal {
  keyId: string;
  orgId: string;
  orgRoles: readonly string[];
  /** Project id -> roles granted on that project. */
  projectRoles: ReadonlyMap<string, readonly string[]>;
}

export function hasOrgAccess(p: Principal, orgId: string, need: OrgAccess): boolean {
  if (p.orgId !== orgId) return false;
  const r = p.orgRoles;
  if (r.includes('ORG_OWNER')) return true;
  switch (need) {
    case 'member':
      return r.length > 0;
    case 'read':
      return r.includes('ORG_READ_ONLY') || r.length > 0;
    case 'createProject':
      return r.includes('ORG_GROUP_CREATOR');
    case 'owner':
      return false;
  }
}

/** Project access of a caller on a project of organization `projectOrgId`. */
export function hasProjectAccess(
  p: Principal,
  projectOrgId: string,
  projectId: string,
  need: ProjectAccess,
): boolean {
  if (p.orgId !== projectOrgId) return false;
  if (p.orgRoles.includes('ORG_OWNER')) return true;
  const roles = p.projectRoles.get(projectId) ?? [];
  if (need === 'write') return roles.includes('GROUP_OWNER');
  return roles.length > 0 || p.orgRoles.includes('ORG_READ_ONLY');
}

/** Whether the caller can see that the project exists at all (any access or org membership). */
export function canSeeProject(p: Principal, projectOrgId: string, projectId: string): boolean {
  return hasProjectAccess(p, projectOrgId, projectId, 'read');
}
