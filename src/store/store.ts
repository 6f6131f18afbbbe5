import type { AccessListEntry } from '../domain/access-list.ts';
import type { ApiKey, ApiKeyWithGrants } from '../domain/api-key.ts';
import type { CloudProvider } from '../domain/cloud-provider.ts';
import type { EndpointService, EndpointServiceWithEndpoints } from '../domain/endpoint-service.ts';
import type { FaultRule } from '../domain/fault-rule.ts';
import type { Organization } from '../domain/organization.ts';
import type { PrivateEndpoint } from '../domain/private-endpoint.ts';
import type { Project } from '../domain/project.ts';

/** A slice of a list: `offset` rows skipped, at most `limit` returned, `total` counted on request. */
export interface PageRequest {
  offset: number;
  limit: number;
  includeCount: boolean;
}
export interface PageResult<T> {
  items: T[];
  total?: number;
}

/** Everything an authenticated request needs to know about its key, in one read. */
export interface AuthSubject {
  key: ApiKeyWithGrants;
  accessList: AccessListEntry[];
}

export type ServicePatch = Partial<
  Pick<
    EndpointService,
    | 'status'
    | 'errorMessage'
    | 'deleteRequested'
    | 'endpointServiceName'
    | 'privateLinkServiceName'
    | 'privateLinkServiceResourceId'
    | 'serviceAttachmentNames'
    | 'supportedRemoteRegions'
    | 'statusSince'
    | 'nextReconcileAt'
  >
>;

export type EndpointPatch = Partial<
  Pick<
    PrivateEndpoint,
    | 'status'
    | 'errorMessage'
    | 'deleteRequested'
    | 'privateEndpointConnectionName'
    | 'endpoints'
    | 'statusSince'
    | 'nextReconcileAt'
  >
>;

/**
 * One lifecycle step decided by the reconciler: apply `patch` (or remove the row when `remove`) only if
 * the row still has `expectedVersion`; the store bumps the version on every write.
 */
export interface Transition<P> {
  key: string;
  expectedVersion: number;
  patch?: P;
  remove?: boolean;
}

/** Key of an endpoint row in transitions and claims: `${serviceId}/${endpointId}`. */
export function endpointKey(serviceId: string, endpointId: string): string {
  return `${serviceId}/${endpointId}`;
}

export type InsertServiceResult = 'ok' | 'duplicate-region';
export type InsertEndpointResult = 'ok' | 'service-missing' | 'service-not-available' | 'duplicate';
export type DeleteServiceResult = 'ok' | 'missing' | 'has-endpoints';
export type DeleteProjectResult = 'ok' | 'missing' | 'has-services';

/**
 * The persistence boundary. Implementations: SQLite (embedded default) and PostgreSQL (several
 * nodes). Invariants every implementation keeps, in the schema and in one transaction each:
 * one endpoint service per (project, provider, region) while its row exists (DELETING included);
 * one endpoint per (service, endpointId); project names unique per organization; a project with a
 * service row cannot be deleted; a service with endpoint rows cannot be marked for deletion; an
 * endpoint is only inserted under an AVAILABLE service that is not being deleted; every write that
 * resolves returned after it is durable. Every method may be called concurrently from several nodes.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;

  /** Returns the stored value of `key`, storing `value` first when absent (atomic across nodes). */
  getOrCreateSetting(key: string, value: string): Promise<string>;
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;

  countOrganizations(): Promise<number>;
  /** Creates the organization and its first key atomically (bootstrap). Returns false when one exists. */
  bootstrap(org: Organization, key: ApiKey): Promise<boolean>;
  getOrganization(id: string): Promise<Organization | undefined>;

  /** Returns false when the organization already has a project of that name. */
  insertProject(project: Project): Promise<boolean>;
  getProject(id: string): Promise<Project | undefined>;
  getProjectByName(orgId: string, name: string): Promise<Project | undefined>;
  /** Projects of `orgId` ordered by id; `onlyIds` restricts to those ids (keys without org-wide read). */
  listProjects(orgId: string, onlyIds: string[] | null, page: PageRequest): Promise<PageResult<Project>>;
  /** Returns false when the new name is taken in the organization. */
  updateProject(project: Project): Promise<boolean>;
  deleteProject(id: string): Promise<DeleteProjectResult>;

  insertApiKey(key: ApiKey): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyWithGrants | undefined>;
  getAuthSubject(publicKey: string): Promise<AuthSubject | undefined>;
  listApiKeys(orgId: string, page: PageRequest): Promise<PageResult<ApiKeyWithGrants>>;
  updateApiKey(id: string, patch: { desc?: string; orgRoles?: string[] }): Promise<void>;
  /** Removes the key with its grants and access list. Returns false when missing. */
  deleteApiKey(id: string): Promise<boolean>;
  /** Replaces the key's roles on the project (upsert). */
  setProjectRoles(keyId: string, projectId: string, roles: string[]): Promise<void>;
  removeProjectRoles(keyId: string, projectId: string): Promise<boolean>;
  listProjectApiKeys(projectId: string, page: PageRequest): Promise<PageResult<ApiKeyWithGrants>>;

  /** Adds entries; an entry already present keeps its counters. */
  addAccessListEntries(entries: AccessListEntry[]): Promise<void>;
  listAccessList(keyId: string, page: PageRequest): Promise<PageResult<AccessListEntry>>;
  getAccessListEntry(keyId: string, cidrBlock: string): Promise<AccessListEntry | undefined>;
  deleteAccessListEntry(keyId: string, cidrBlock: string): Promise<boolean>;
  recordAccessListUse(keyId: string, cidrBlock: string, address: string, at: number): Promise<void>;

  setRegionalMode(projectId: string, enabled: boolean): Promise<void>;

  insertEndpointService(service: EndpointService): Promise<InsertServiceResult>;
  getEndpointService(projectId: string, id: string): Promise<EndpointServiceWithEndpoints | undefined>;
  /** The service row alone, without reading its endpoint ids (cheap whatever the service holds). */
  findEndpointService(projectId: string, id: string): Promise<EndpointService | undefined>;
  listEndpointServices(projectId: string, provider: CloudProvider): Promise<EndpointServiceWithEndpoints[]>;
  countEndpointServices(projectId: string): Promise<number>;
  /** Marks the service DELETING (deleteRequested) unless it still has endpoints. */
  requestServiceDeletion(projectId: string, id: string, now: number): Promise<DeleteServiceResult>;
  /** Replaces AWS remote regions; returns the updated service or undefined when missing. */
  updateServiceRemoteRegions(
    projectId: string,
    id: string,
    regions: string[] | null,
  ): Promise<EndpointServiceWithEndpoints | undefined>;

  insertPrivateEndpoint(endpoint: PrivateEndpoint): Promise<InsertEndpointResult>;
  getPrivateEndpoint(serviceId: string, endpointId: string): Promise<PrivateEndpoint | undefined>;
  /** Marks the endpoint DELETING with deleteRequested. Returns false when missing. */
  requestEndpointDeletion(serviceId: string, endpointId: string, now: number): Promise<boolean>;

  /**
   * Claims up to `limit` rows whose `nextReconcileAt <= now` and whose lease is free or expired,
   * leasing them to `owner` until `now + leaseMs`. A row is held by one owner at a time.
   */
  claimDueServices(now: number, owner: string, leaseMs: number, limit: number): Promise<EndpointService[]>;
  claimDueEndpoints(now: number, owner: string, leaseMs: number, limit: number): Promise<PrivateEndpoint[]>;
  /** Applies transitions in one transaction; each releases the lease; returns how many applied. */
  applyServiceTransitions(transitions: Transition<ServicePatch>[]): Promise<number>;
  applyEndpointTransitions(transitions: Transition<EndpointPatch>[]): Promise<number>;
  /** Earliest `nextReconcileAt` of any row, so an idle reconciler knows when to look again. */
  nextDueAt(): Promise<number | null>;

  insertFaultRule(rule: FaultRule): Promise<void>;
  listFaultRules(): Promise<FaultRule[]>;
  deleteFaultRule(id: string): Promise<boolean>;
  clearFaultRules(): Promise<number>;
}
