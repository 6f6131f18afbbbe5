import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AccessListEntry } from '../../domain/access-list.ts';
import type { ApiKey, ApiKeyWithGrants } from '../../domain/api-key.ts';
import type { CloudProvider } from '../../domain/cloud-provider.ts';
import type { EndpointService, EndpointServiceWithEndpoints } from '../../domain/endpoint-service.ts';
import type { FaultRule } from '../../domain/fault-rule.ts';
import type { Organization } from '../../domain/organization.ts';
import type { PrivateEndpoint } from '../../domain/private-endpoint.ts';
import type { Project } from '../../domain/project.ts';
import {
  endpointDetails,
  patchEndpoint,
  patchService,
  serviceDetails,
  toAccessListEntry,
  toApiKey,
  toEndpointService,
  toFaultRule,
  toOrganization,
  toPrivateEndpoint,
  toProject,
  type Row,
} from '../rows.ts';
import {

  type AuthSubject,
  type DeleteProjectResult,
  type DeleteServiceResult,
  type EndpointPatch,
  type InsertEndpointResult,
  type InsertServiceResult,
  type PageRequest,
  type PageResult,
  type ServicePatch,
  type Store,
  type Transition,
} from '../store.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';

/** A service's endpoint ids in creation order, as one JSON array column read with the service row. */
const ENDPOINT_IDS = `(SELECT json_group_array(endpoint_id) FROM
  (SELECT endpoint_id FROM private_endpoints WHERE service_id = s.id ORDER BY seq)) AS endpoint_ids`;

function withEndpointIds(r: Row): EndpointServiceWithEndpoints {
  return { ...toEndpointService(r), endpointIds: JSON.parse(String(r.endpoint_ids)) as string[] };
}

export interface SqliteOptions {
  /** `FULL` also survives power loss; `NORMAL` (default) survives a process crash (`kill -9`). */
  synchronous?: 'NORMAL' | 'FULL';
}

/**
 * The embedded store: one SQLite file in WAL mode through better-sqlite3. Calls are synchronous
 * underneath and resolve after the transaction committed; multi-statement invariants run inside
 * `BEGIN IMMEDIATE` transactions so several processes on one file stay consistent.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly db: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();

  constructor(path: string, opts: SqliteOptions = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  /** Applies pending migrations; safe when several processes start on one file at once. */
  migrate(): number {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    let applied = 0;
    const run = this.db.transaction(() => {
      const done = new Set(
        (this.db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id),
      );
      for (const m of SQLITE_MIGRATIONS) {
        if (done.has(m.id)) continue;
        this.db.exec(m.sql);
        this.db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, Date.now());
        applied++;
      }
    });
    run.immediate();
    return applied;
  }

  private st(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async getOrCreateSetting(key: string, value: string): Promise<string> {
    return this.tx(() => {
      this.st('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value);
      return (this.st('SELECT value FROM settings WHERE key = ?').get(key) as { value: string }).value;
    });
  }

  async getSetting(key: string): Promise<string | undefined> {
    const r = this.st('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return r?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.st('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async countOrganizations(): Promise<number> {
    return (this.st('SELECT count(*) AS n FROM organizations').get() as { n: number }).n;
  }

  async bootstrap(org: Organization, key: ApiKey): Promise<boolean> {
    return this.tx(() => {
      const n = (this.st('SELECT count(*) AS n FROM organizations').get() as { n: number }).n;
      if (n > 0) return false;
      this.st('INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)').run(org.id, org.name, org.createdAt);
      this.insertKeyRow(key);
      return true;
    });
  }

  async getOrganization(id: string): Promise<Organization | undefined> {
    const r = this.st('SELECT * FROM organizations WHERE id = ?').get(id) as Row | undefined;
    return r && toOrganization(r);
  }

  async insertProject(p: Project): Promise<boolean> {
    const r = this.st(
      `INSERT INTO projects (id, org_id, name, created_at, tags, with_default_alerts, regional_mode)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, name) DO NOTHING`,
    ).run(p.id, p.orgId, p.name, p.createdAt, JSON.stringify(p.tags), p.withDefaultAlertsSettings ? 1 : 0, p.regionalModeEnabled ? 1 : 0);
    return r.changes === 1;
  }

  async getProject(id: string): Promise<Project | undefined> {
    const r = this.st('SELECT * FROM projects WHERE id = ?').get(id) as Row | undefined;
    return r && toProject(r);
  }

  async getProjectByName(orgId: string, name: string): Promise<Project | undefined> {
    const r = this.st('SELECT * FROM projects WHERE org_id = ? AND name = ?').get(orgId, name) as Row | undefined;
    return r && toProject(r);
  }

  /** Rows of an organization, kept by triggers in `org_counts`: a count costs one lookup. */
  private orgCount(column: 'projects' | 'api_keys', orgId: string): number {
    const r = this.st(`SELECT ${column} AS n FROM org_counts WHERE org_id = ?`).get(orgId) as { n: number } | undefined;
    return r?.n ?? 0;
  }

  async listProjects(orgId: string, onlyIds: string[] | null, page: PageRequest): Promise<PageResult<Project>> {
    if (onlyIds) {
      const ids = JSON.stringify(onlyIds);
      const items = (
        this.st('SELECT * FROM projects WHERE org_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ? OFFSET ?').all(
          orgId,
          ids,
          page.limit,
          page.offset,
        ) as Row[]
      ).map(toProject);
      const total = page.includeCount
        ? (this.st('SELECT count(*) AS n FROM projects WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))').get(orgId, ids) as { n: number }).n
        : undefined;
      return { items, total };
    }
    const items = (this.st('SELECT * FROM projects WHERE id IN (SELECT id FROM projects WHERE org_id = ? ORDER BY id LIMIT ? OFFSET ?) ORDER BY id').all(orgId, page.limit, page.offset) as Row[]).map(
      toProject,
    );
    const total = page.includeCount ? this.orgCount('projects', orgId) : undefined;
    return { items, total };
  }

  async updateProject(p: Project): Promise<boolean> {
    try {
      this.st('UPDATE projects SET name = ?, tags = ?, with_default_alerts = ? WHERE id = ?').run(
        p.name,
        JSON.stringify(p.tags),
        p.withDefaultAlertsSettings ? 1 : 0,
        p.id,
      );
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
      throw e;
    }
  }

  async deleteProject(id: string): Promise<DeleteProjectResult> {
    return this.tx(() => {
      if (!this.st('SELECT 1 FROM projects WHERE id = ?').get(id)) return 'missing';
      if (this.st('SELECT 1 FROM endpoint_services WHERE project_id = ? LIMIT 1').get(id)) return 'has-services';
      this.st('DELETE FROM projects WHERE id = ?').run(id);
      return 'ok';
    });
  }

  private insertKeyRow(k: ApiKey): void {
    this.st(
      `INSERT INTO api_keys (id, org_id, description, public_key, ha1, private_key_tail, created_at, org_roles)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(k.id, k.orgId, k.desc, k.publicKey, k.ha1, k.privateKeyTail, k.createdAt, JSON.stringify(k.orgRoles));
  }

  async insertApiKey(k: ApiKey): Promise<void> {
    this.insertKeyRow(k);
  }

  private withGrants(r: Row): ApiKeyWithGrants {
    const key = toApiKey(r);
    const grants = this.st('SELECT project_id, roles FROM project_api_keys WHERE key_id = ? ORDER BY rowid').all(key.id) as {
      project_id: string;
      roles: string;
    }[];
    return { ...key, projectRoles: new Map(grants.map((g) => [g.project_id, JSON.parse(g.roles) as string[]])) };
  }

  async getApiKey(id: string): Promise<ApiKeyWithGrants | undefined> {
    const r = this.st('SELECT * FROM api_keys WHERE id = ?').get(id) as Row | undefined;
    return r && this.withGrants(r);
  }

  async getAuthSubject(publicKey: string): Promise<AuthSubject | undefined> {
    const r = this.st('SELECT * FROM api_keys WHERE public_key = ?').get(publicKey) as Row | undefined;
    if (!r) return undefined;
    const key = this.withGrants(r);
    const accessList = (this.st('SELECT * FROM access_list WHERE key_id = ?').all(key.id) as Row[]).map(toAccessListEntry);
    return { key, accessList };
  }

  async listApiKeys(orgId: string, page: PageRequest): Promise<PageResult<ApiKeyWithGrants>> {
    const rows = this.st(
      `SELECT * FROM api_keys WHERE id IN (SELECT id FROM api_keys WHERE org_id = ? ORDER BY id LIMIT ? OFFSET ?) ORDER BY id`,
    ).all(orgId, page.limit, page.offset) as Row[];
    const total = page.includeCount ? this.orgCount('api_keys', orgId) : undefined;
    return { items: this.withGrantsMany(rows), total };
  }

  /** Keys with their grants, in two queries whatever the page size. */
  private withGrantsMany(rows: Row[]): ApiKeyWithGrants[] {
    if (rows.length === 0) return [];
    const grants = this.st(
      'SELECT key_id, project_id, roles FROM project_api_keys WHERE key_id IN (SELECT value FROM json_each(?)) ORDER BY rowid',
    ).all(JSON.stringify(rows.map((r) => r.id))) as { key_id: string; project_id: string; roles: string }[];
    const byKey = new Map<string, Map<string, string[]>>();
    for (const g of grants) {
      let m = byKey.get(g.key_id);
      if (!m) byKey.set(g.key_id, (m = new Map()));
      m.set(g.project_id, JSON.parse(g.roles) as string[]);
    }
    return rows.map((r) => ({ ...toApiKey(r), projectRoles: byKey.get(String(r.id)) ?? new Map() }));
  }

  async updateApiKey(id: string, patch: { desc?: string; orgRoles?: string[] }): Promise<void> {
    this.tx(() => {
      if (patch.desc !== undefined) this.st('UPDATE api_keys SET description = ? WHERE id = ?').run(patch.desc, id);
      if (patch.orgRoles !== undefined) this.st('UPDATE api_keys SET org_roles = ? WHERE id = ?').run(JSON.stringify(patch.orgRoles), id);
    });
  }

  async deleteApiKey(id: string): Promise<boolean> {
    return this.st('DELETE FROM api_keys WHERE id = ?').run(id).changes === 1;
  }

  async setProjectRoles(keyId: string, projectId: string, roles: string[]): Promise<void> {
    this.st(
      `INSERT INTO project_api_keys (key_id, project_id, roles) VALUES (?, ?, ?)
       ON CONFLICT (key_id, project_id) DO UPDATE SET roles = excluded.roles`,
    ).run(keyId, projectId, JSON.stringify(roles));
  }

  async removeProjectRoles(keyId: string, projectId: string): Promise<boolean> {
    return this.st('DELETE FROM project_api_keys WHERE key_id = ? AND project_id = ?').run(keyId, projectId).changes === 1;
  }

  async listProjectApiKeys(projectId: string, page: PageRequest): Promise<PageResult<ApiKeyWithGrants>> {
    const rows = this.st(
      `SELECT k.* FROM project_api_keys g JOIN api_keys k ON k.id = g.key_id
       WHERE g.project_id = ? ORDER BY g.key_id LIMIT ? OFFSET ?`,
    ).all(projectId, page.limit, page.offset) as Row[];
    const total = page.includeCount
      ? (this.st('SELECT count(*) AS n FROM project_api_keys WHERE project_id = ?').get(projectId) as { n: number }).n
      : undefined;
    return { items: this.withGrantsMany(rows), total };
  }

  async addAccessListEntries(entries: AccessListEntry[]): Promise<void> {
    this.tx(() => {
      for (const e of entries) {
        this.st(
          `INSERT INTO access_list (key_id, cidr_block, ip_address, created_at, count) VALUES (?, ?, ?, ?, 0)
           ON CONFLICT (key_id, cidr_block) DO NOTHING`,
        ).run(e.keyId, e.cidrBlock, e.ipAddress, e.createdAt);
      }
    });
  }

  async listAccessList(keyId: string, page: PageRequest): Promise<PageResult<AccessListEntry>> {
    const items = (
      this.st('SELECT * FROM access_list WHERE key_id = ? ORDER BY created_at, cidr_block LIMIT ? OFFSET ?').all(keyId, page.limit, page.offset) as Row[]
    ).map(toAccessListEntry);
    const total = page.includeCount ? (this.st('SELECT count(*) AS n FROM access_list WHERE key_id = ?').get(keyId) as { n: number }).n : undefined;
    return { items, total };
  }

  async getAccessListEntry(keyId: string, cidrBlock: string): Promise<AccessListEntry | undefined> {
    const r = this.st('SELECT * FROM access_list WHERE key_id = ? AND cidr_block = ?').get(keyId, cidrBlock) as Row | undefined;
    return r && toAccessListEntry(r);
  }

  async deleteAccessListEntry(keyId: string, cidrBlock: string): Promise<boolean> {
    return this.st('DELETE FROM access_list WHERE key_id = ? AND cidr_block = ?').run(keyId, cidrBlock).changes === 1;
  }

  async recordAccessListUse(keyId: string, cidrBlock: string, address: string, at: number): Promise<void> {
    this.st('UPDATE access_list SET count = count + 1, last_used_at = ?, last_used_address = ? WHERE key_id = ? AND cidr_block = ?').run(
      at,
      address,
      keyId,
      cidrBlock,
    );
  }

  async setRegionalMode(projectId: string, enabled: boolean): Promise<void> {
    this.st('UPDATE projects SET regional_mode = ? WHERE id = ?').run(enabled ? 1 : 0, projectId);
  }

  private endpointIdsOf(serviceId: string): string[] {
    return (this.st('SELECT endpoint_id FROM private_endpoints WHERE service_id = ? ORDER BY seq').all(serviceId) as { endpoint_id: string }[]).map(
      (r) => r.endpoint_id,
    );
  }

  private withEndpoints(s: EndpointService): EndpointServiceWithEndpoints {
    return { ...s, endpointIds: this.endpointIdsOf(s.id) };
  }

  async insertEndpointService(s: EndpointService): Promise<InsertServiceResult> {
    const r = this.st(
      `INSERT INTO endpoint_services (id, project_id, provider, region, status, error_message, delete_requested, details,
         created_at, status_since, version, next_reconcile_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, provider, region) DO NOTHING`,
    ).run(
      s.id,
      s.projectId,
      s.provider,
      s.region,
      s.status,
      s.errorMessage,
      s.deleteRequested ? 1 : 0,
      serviceDetails(s),
      s.createdAt,
      s.statusSince,
      s.version,
      s.nextReconcileAt,
    );
    return r.changes === 1 ? 'ok' : 'duplicate-region';
  }

  async getEndpointService(projectId: string, id: string): Promise<EndpointServiceWithEndpoints | undefined> {
    const r = this.st(`SELECT s.*, ${ENDPOINT_IDS} FROM endpoint_services s WHERE s.id = ? AND s.project_id = ?`).get(id, projectId) as Row | undefined;
    return r && withEndpointIds(r);
  }

  async findEndpointService(projectId: string, id: string): Promise<EndpointService | undefined> {
    const r = this.st('SELECT * FROM endpoint_services WHERE id = ? AND project_id = ?').get(id, projectId) as Row | undefined;
    return r && toEndpointService(r);
  }

  async listEndpointServices(projectId: string, provider: CloudProvider): Promise<EndpointServiceWithEndpoints[]> {
    const rows = this.st(`SELECT s.*, ${ENDPOINT_IDS} FROM endpoint_services s WHERE s.project_id = ? AND s.provider = ? ORDER BY s.id`).all(
      projectId,
      provider,
    ) as Row[];
    return rows.map(withEndpointIds);
  }

  async countEndpointServices(projectId: string): Promise<number> {
    return (this.st('SELECT count(*) AS n FROM endpoint_services WHERE project_id = ?').get(projectId) as { n: number }).n;
  }

  async requestServiceDeletion(projectId: string, id: string, now: number): Promise<DeleteServiceResult> {
    return this.tx(() => {
      const r = this.st('SELECT status FROM endpoint_services WHERE id = ? AND project_id = ?').get(id, projectId) as { status: string } | undefined;
      if (!r) return 'missing';
      if (this.st('SELECT 1 FROM private_endpoints WHERE service_id = ? LIMIT 1').get(id)) return 'has-endpoints';
      if (r.status !== 'DELETING') {
        this.st(
          `UPDATE endpoint_services SET status = 'DELETING', delete_requested = 1, status_since = ?, next_reconcile_at = ?, lease_owner = NULL, lease_expires_at = NULL,
             version = version + 1 WHERE id = ?`,
        ).run(now, now, id);
      }
      return 'ok';
    });
  }

  async updateServiceRemoteRegions(projectId: string, id: string, regions: string[] | null): Promise<EndpointServiceWithEndpoints | undefined> {
    return this.tx(() => {
      const r = this.st('SELECT * FROM endpoint_services WHERE id = ? AND project_id = ?').get(id, projectId) as Row | undefined;
      if (!r) return undefined;
      const next = patchService(toEndpointService(r), { supportedRemoteRegions: regions });
      this.st('UPDATE endpoint_services SET details = ?, version = ? WHERE id = ?').run(serviceDetails(next), next.version, id);
      return this.withEndpoints(next);
    });
  }

  async insertPrivateEndpoint(e: PrivateEndpoint): Promise<InsertEndpointResult> {
    return this.tx(() => {
      const s = this.st('SELECT status, delete_requested, provider FROM endpoint_services WHERE id = ? AND project_id = ?').get(e.serviceId, e.projectId) as
        | { status: string; delete_requested: number; provider: string }
        | undefined;
      if (!s || s.provider !== e.provider) return 'service-missing';
      if (this.st('SELECT 1 FROM private_endpoints WHERE service_id = ? AND endpoint_id = ?').get(e.serviceId, e.endpointId)) return 'duplicate';
      if (s.status !== 'AVAILABLE' || s.delete_requested) return 'service-not-available';
      const seq = (this.st('SELECT coalesce(max(seq), 0) + 1 AS n FROM private_endpoints WHERE service_id = ?').get(e.serviceId) as { n: number }).n;
      this.st(
        `INSERT INTO private_endpoints (service_id, endpoint_id, project_id, provider, status, error_message, delete_requested, details,
           created_at, seq, status_since, version, next_reconcile_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        e.serviceId,
        e.endpointId,
        e.projectId,
        e.provider,
        e.status,
        e.errorMessage,
        e.deleteRequested ? 1 : 0,
        endpointDetails(e),
        e.createdAt,
        seq,
        e.statusSince,
        e.version,
        e.nextReconcileAt,
      );
      return 'ok';
    });
  }

  async getPrivateEndpoint(serviceId: string, endpointId: string): Promise<PrivateEndpoint | undefined> {
    const r = this.st('SELECT * FROM private_endpoints WHERE service_id = ? AND endpoint_id = ?').get(serviceId, endpointId) as Row | undefined;
    return r && toPrivateEndpoint(r);
  }

  async requestEndpointDeletion(serviceId: string, endpointId: string, now: number): Promise<boolean> {
    return this.tx(() => {
      const r = this.st('SELECT status FROM private_endpoints WHERE service_id = ? AND endpoint_id = ?').get(serviceId, endpointId) as
        | { status: string }
        | undefined;
      if (!r) return false;
      if (r.status !== 'DELETING') {
        this.st(
          `UPDATE private_endpoints SET status = 'DELETING', delete_requested = 1, status_since = ?, next_reconcile_at = ?, lease_owner = NULL, lease_expires_at = NULL,
             version = version + 1 WHERE service_id = ? AND endpoint_id = ?`,
        ).run(now, now, serviceId, endpointId);
      }
      return true;
    });
  }

  async claimDueServices(now: number, owner: string, leaseMs: number, limit: number): Promise<EndpointService[]> {
    return this.tx(() => {
      const rows = this.st(
        `SELECT * FROM endpoint_services WHERE next_reconcile_at <= ? AND (lease_owner IS NULL OR lease_expires_at <= ?)
         ORDER BY next_reconcile_at LIMIT ?`,
      ).all(now, now, limit) as Row[];
      const lease = this.st('UPDATE endpoint_services SET lease_owner = ?, lease_expires_at = ? WHERE id = ?');
      for (const r of rows) lease.run(owner, now + leaseMs, r.id);
      return rows.map(toEndpointService);
    });
  }

  async claimDueEndpoints(now: number, owner: string, leaseMs: number, limit: number): Promise<PrivateEndpoint[]> {
    return this.tx(() => {
      const rows = this.st(
        `SELECT * FROM private_endpoints WHERE next_reconcile_at <= ? AND (lease_owner IS NULL OR lease_expires_at <= ?)
         ORDER BY next_reconcile_at LIMIT ?`,
      ).all(now, now, limit) as Row[];
      const lease = this.st('UPDATE private_endpoints SET lease_owner = ?, lease_expires_at = ? WHERE service_id = ? AND endpoint_id = ?');
      for (const r of rows) lease.run(owner, now + leaseMs, r.service_id, r.endpoint_id);
      return rows.map(toPrivateEndpoint);
    });
  }

  async applyServiceTransitions(transitions: Transition<ServicePatch>[]): Promise<number> {
    return this.tx(() => {
      let applied = 0;
      for (const t of transitions) {
        const r = this.st('SELECT * FROM endpoint_services WHERE id = ? AND version = ?').get(t.key, t.expectedVersion) as Row | undefined;
        if (!r) continue;
        if (t.remove) {
          this.st('DELETE FROM endpoint_services WHERE id = ?').run(t.key);
        } else {
          const next = patchService(toEndpointService(r), t.patch ?? {});
          this.st(
            `UPDATE endpoint_services SET status = ?, error_message = ?, delete_requested = ?, details = ?, status_since = ?,
               next_reconcile_at = ?, version = ?, lease_owner = NULL, lease_expires_at = NULL WHERE id = ?`,
          ).run(next.status, next.errorMessage, next.deleteRequested ? 1 : 0, serviceDetails(next), next.statusSince, next.nextReconcileAt, next.version, t.key);
        }
        applied++;
      }
      return applied;
    });
  }

  async applyEndpointTransitions(transitions: Transition<EndpointPatch>[]): Promise<number> {
    return this.tx(() => {
      let applied = 0;
      for (const t of transitions) {
        const slash = t.key.indexOf('/');
        const serviceId = t.key.slice(0, slash);
        const endpointId = t.key.slice(slash + 1);
        const r = this.st('SELECT * FROM private_endpoints WHERE service_id = ? AND endpoint_id = ? AND version = ?').get(
          serviceId,
          endpointId,
          t.expectedVersion,
        ) as Row | undefined;
        if (!r) continue;
        if (t.remove) {
          this.st('DELETE FROM private_endpoints WHERE service_id = ? AND endpoint_id = ?').run(serviceId, endpointId);
        } else {
          const next = patchEndpoint(toPrivateEndpoint(r), t.patch ?? {});
          this.st(
            `UPDATE private_endpoints SET status = ?, error_message = ?, delete_requested = ?, details = ?, status_since = ?,
               next_reconcile_at = ?, version = ?, lease_owner = NULL, lease_expires_at = NULL WHERE service_id = ? AND endpoint_id = ?`,
          ).run(
            next.status,
            next.errorMessage,
            next.deleteRequested ? 1 : 0,
            endpointDetails(next),
            next.statusSince,
            next.nextReconcileAt,
            next.version,
            serviceId,
            endpointId,
          );
        }
        applied++;
      }
      return applied;
    });
  }

  async nextDueAt(): Promise<number | null> {
    const a = this.st('SELECT min(max(next_reconcile_at, coalesce(lease_expires_at, 0))) AS t FROM endpoint_services WHERE next_reconcile_at IS NOT NULL').get() as { t: number | null };
    const b = this.st('SELECT min(max(next_reconcile_at, coalesce(lease_expires_at, 0))) AS t FROM private_endpoints WHERE next_reconcile_at IS NOT NULL').get() as { t: number | null };
    if (a.t === null) return b.t;
    if (b.t === null) return a.t;
    return Math.min(a.t, b.t);
  }

  async insertFaultRule(rule: FaultRule): Promise<void> {
    this.st('INSERT INTO fault_rules (id, body, created_at) VALUES (?, ?, ?)').run(rule.id, JSON.stringify(rule), rule.createdAt);
  }

  async listFaultRules(): Promise<FaultRule[]> {
    return (this.st('SELECT body FROM fault_rules ORDER BY created_at, id').all() as Row[]).map(toFaultRule);
  }

  async deleteFaultRule(id: string): Promise<boolean> {
    return this.st('DELETE FROM fault_rules WHERE id = ?').run(id).changes === 1;
  }

  async clearFaultRules(): Promise<number> {
    return this.st('DELETE FROM fault_rules').run().changes;
  }
}

