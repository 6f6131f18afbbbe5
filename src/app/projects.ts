import { atlasError } from '../domain/errors.ts';
import { newObjectId } from '../domain/ids.ts';
import { NAME_PATTERN } from '../domain/organization.ts';
import type { Project } from '../domain/project.ts';
import { hasOrgAccess, type Principal } from '../domain/roles.ts';
import type { PageRequest, PageResult } from '../store/store.ts';
import type { AppContext } from './app-context.ts';

export interface CreateProjectInput {
  name: string;
  orgId: string;
  tags?: { key: string; value: string }[];
  withDefaultAlertsSettings?: boolean;
}

function checkName(name: string): void {
  if (!NAME_PATTERN.test(name)) throw atlasError('INVALID_GROUP_NAME', name);
}

/** Creates a project in the caller's organization; needs ORG_OWNER or ORG_GROUP_CREATOR. */
export async function createProject(ctx: AppContext, p: Principal, input: CreateProjectInput): Promise<Project> {
  checkName(input.name);
  if (input.orgId !== p.orgId) throw atlasError('ORG_NOT_FOUND', input.orgId);
  if (!hasOrgAccess(p, input.orgId, 'createProject')) throw atlasError('NOT_ORG_GROUP_CREATOR', input.orgId);
  const now = ctx.now();
  const project: Project = {
    id: newObjectId(now),
    orgId: input.orgId,
    name: input.name,
    createdAt: now,
    tags: input.tags ?? [],
    withDefaultAlertsSettings: input.withDefaultAlertsSettings ?? true,
    regionalModeEnabled: false,
  };
  if (!(await ctx.store.insertProject(project))) throw atlasError('GROUP_ALREADY_EXISTS', input.name);
  return project;
}

/** Projects the caller can see: all of its organization with org-wide read, else those granted. */
export async function listProjects(ctx: AppContext, p: Principal, page: PageRequest): Promise<PageResult<Project>> {
  const orgWide = p.orgRoles.includes('ORG_OWNER') || p.orgRoles.includes('ORG_READ_ONLY');
  return ctx.store.listProjects(p.orgId, orgWide ? null : [...p.projectRoles.keys()], page);
}

/**
 * A project by name in the caller's organization. A missing or invisible one answers as Atlas does,
 * 401 NOT_IN_GROUP, which the Kubernetes operator reads as "project absent".
 */
export async function projectByName(ctx: AppContext, p: Principal, name: string): Promise<Project> {
  const project = await ctx.store.getProjectByName(p.orgId, name);
  const visible =
    project && (p.orgRoles.includes('ORG_OWNER') || p.orgRoles.includes('ORG_READ_ONLY') || p.projectRoles.has(project.id));
  if (!project || !visible) throw atlasError('NOT_IN_GROUP');
  return project;
}

export interface UpdateProjectInput {
  name?: string;
  tags?: { key: string; value: string }[];
  withDefaultAlertsSettings?: boolean;
}

export async function updateProject(ctx: AppContext, project: Project, input: UpdateProjectInput): Promise<Project> {
  if (input.name !== undefined) checkName(input.name);
  const next: Project = {
    ...project,
    name: input.name ?? project.name,
    tags: input.tags ?? project.tags,
    withDefaultAlertsSettings: input.withDefaultAlertsSettings ?? project.withDefaultAlertsSettings,
  };
  if (!(await ctx.store.updateProject(next))) throw atlasError('GROUP_ALREADY_EXISTS', next.name);
  return next;
}

/** Deletes a project; refused while any private endpoint service row exists (deleting ones too). */
export async function deleteProject(ctx: AppContext, project: Project): Promise<void> {
  const r = await ctx.store.deleteProject(project.id);
  if (r === 'has-services') throw atlasError('CANNOT_CLOSE_GROUP_ACTIVE_ATLAS_PRIVATE_ENDPOINT_SERVICES');
  if (r === 'missing') throw atlasError('GROUP_NOT_FOUND', project.id);
}
