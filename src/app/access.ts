import { atlasError } from '../domain/errors.ts';
import type { Organization } from '../domain/organization.ts';
import type { Project } from '../domain/project.ts';
import { hasOrgAccess, hasProjectAccess, type OrgAccess, type Principal, type ProjectAccess } from '../domain/roles.ts';
import type { AppContext } from './app-context.ts';

/**
 * The project a caller addresses, checked for the access the operation needs. A project that does
 * not exist and one of another organization look the same (404 GROUP_NOT_FOUND), so a key learns
 * nothing about other tenants; a project of the caller's organization without the needed role is
 * 401 USER_UNAUTHORIZED.
 */
export async function projectFor(ctx: AppContext, p: Principal, projectId: string, need: ProjectAccess): Promise<Project> {
  const project = await ctx.store.getProject(projectId);
  if (!project || project.orgId !== p.orgId) throw atlasError('GROUP_NOT_FOUND', projectId);
  if (!hasProjectAccess(p, project.orgId, project.id, need)) throw atlasError('USER_UNAUTHORIZED');
  return project;
}

/** The organization a caller addresses; another organization looks like a missing one. */
export async function orgFor(ctx: AppContext, p: Principal, orgId: string, need: OrgAccess): Promise<Organization> {
  const org = orgId === p.orgId ? await ctx.store.getOrganization(orgId) : undefined;
  if (!org) throw atlasError('ORG_NOT_FOUND', orgId);
  if (!hasOrgAccess(p, org.id, need)) throw atlasError('USER_UNAUTHORIZED');
  return org;
}
