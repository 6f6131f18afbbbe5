import type { AccessListEntry } from '../domain/access-list.ts';
import type { ApiKey } from '../domain/api-key.ts';
import type { CloudProvider } from '../domain/cloud-provider.ts';
import type { EndpointService } from '../domain/endpoint-service.ts';
import type { FaultRule } from '../domain/fault-rule.ts';
import type { EndpointStatus, ServiceStatus } from '../domain/lifecycle.ts';
import type { Organization } from '../domain/organization.ts';
import type { GcpForwardingRule, PrivateEndpoint } from '../domain/private-endpoint.ts';
import type { Project } from '../domain/project.ts';
import type { EndpointPatch, ServicePatch } from './store.ts';

/**
 * Row <-> entity mapping shared by every SQL dialect: column names are the same in each schema;
 * booleans arrive as 0/1 or true/false, JSON as text or parsed, big integers as number or string.
 */
export type Row = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 't';
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function toOrganization(r: Row): Organization {
  return { id: String(r.id), name: String(r.name), createdAt: num(r.created_at) };
}

export function toProject(r: Row): Project {
  return {
    id: String(r.id),
    orgId: String(r.org_id),
    name: String(r.name),
    createdAt: num(r.created_at),
    tags: json(r.tags),
    withDefaultAlertsSettings: bool(r.with_default_alerts),
    regionalModeEnabled: bool(r.regional_mode),
  };
}

export function toApiKey(r: Row): ApiKey {
  return {
    id: String(r.id),
    orgId: String(r.org_id),
    desc: String(r.description),
    publicKey: String(r.public_key),
    ha1: String(r.ha1),
    privateKeyTail: String(r.private_key_tail),
    createdAt: num(r.created_at),
    orgRoles: json(r.org_roles),
  };
}

export function toAccessListEntry(r: Row): AccessListEntry {
  return {
    keyId: String(r.key_id),
    cidrBlock: String(r.cidr_block),
    ipAddress: strOrNull(r.ip_address),
    createdAt: num(r.created_at),
    count: num(r.count),
    lastUsedAt: numOrNull(r.last_used_at),
    lastUsedAddress: strOrNull(r.last_used_address),
  };
}

interface ServiceDetails {
  endpointServiceName: string | null;
  privateLinkServiceName: string | null;
  privateLinkServiceResourceId: string | null;
  serviceAttachmentNames: string[];
  portMappingEnabled: boolean | null;
  supportedRemoteRegions: string[] | null;
}

const SERVICE_DETAIL_KEYS = [
  'endpointServiceName',
  'privateLinkServiceName',
  'privateLinkServiceResourceId',
  'serviceAttachmentNames',
  'portMappingEnabled',
  'supportedRemoteRegions',
] as const;

export function serviceDetails(s: ServiceDetails): string {
  return JSON.stringify({
    endpointServiceName: s.endpointServiceName,
    privateLinkServiceName: s.privateLinkServiceName,
    privateLinkServiceResourceId: s.privateLinkServiceResourceId,
    serviceAttachmentNames: s.serviceAttachmentNames,
    portMappingEnabled: s.portMappingEnabled,
    supportedRemoteRegions: s.supportedRemoteRegions,
  });
}

export function toEndpointService(r: Row): EndpointService {
  const d = json<ServiceDetails>(r.details);
  return {
    id: String(r.id),
    projectId: String(r.project_id),
    provider: String(r.provider) as CloudProvider,
    region: String(r.region),
    status: String(r.status) as ServiceStatus,
    errorMessage: strOrNull(r.error_message),
    deleteRequested: bool(r.delete_requested),
    endpointServiceName: d.endpointServiceName,
    privateLinkServiceName: d.privateLinkServiceName,
    privateLinkServiceResourceId: d.privateLinkServiceResourceId,
    serviceAttachmentNames: d.serviceAttachmentNames,
    portMappingEnabled: d.portMappingEnabled,
    supportedRemoteRegions: d.supportedRemoteRegions,
    createdAt: num(r.created_at),
    statusSince: num(r.status_since),
    version: num(r.version),
    nextReconcileAt: numOrNull(r.next_reconcile_at),
  };
}

/** Applies a patch to a service in memory; the store writes the result with a version check. */
export function patchService(s: EndpointService, p: ServicePatch): EndpointService {
  return { ...s, ...p, version: s.version + 1 };
}

/** Whether a patch touches the JSON `details` column (else only plain columns change). */
export function patchesServiceDetails(p: ServicePatch): boolean {
  return SERVICE_DETAIL_KEYS.some((k) => k in p);
}

interface EndpointDetails {
  privateEndpointIPAddress: string | null;
  privateEndpointConnectionName: string | null;
  gcpProjectId: string | null;
  endpoints: GcpForwardingRule[];
  portMappingEnabled: boolean | null;
}

export function endpointDetails(e: EndpointDetails): string {
  return JSON.stringify({
    privateEndpointIPAddress: e.privateEndpointIPAddress,
    privateEndpointConnectionName: e.privateEndpointConnectionName,
    gcpProjectId: e.gcpProjectId,
    endpoints: e.endpoints,
    portMappingEnabled: e.portMappingEnabled,
  });
}

export function toPrivateEndpoint(r: Row): PrivateEndpoint {
  const d = json<EndpointDetails>(r.details);
  return {
    serviceId: String(r.service_id),
    projectId: String(r.project_id),
    provider: String(r.provider) as CloudProvider,
    endpointId: String(r.endpoint_id),
    status: String(r.status) as EndpointStatus,
    errorMessage: strOrNull(r.error_message),
    deleteRequested: bool(r.delete_requested),
    privateEndpointIPAddress: d.privateEndpointIPAddress,
    privateEndpointConnectionName: d.privateEndpointConnectionName,
    gcpProjectId: d.gcpProjectId,
    endpoints: d.endpoints,
    portMappingEnabled: d.portMappingEnabled,
    createdAt: num(r.created_at),
    statusSince: num(r.status_since),
    version: num(r.version),
    nextReconcileAt: numOrNull(r.next_reconcile_at),
  };
}

export function patchEndpoint(e: PrivateEndpoint, p: EndpointPatch): PrivateEndpoint {
  return { ...e, ...p, version: e.version + 1 };
}

export function toFaultRule(r: Row): FaultRule {
  return json<FaultRule>(r.body);
}
