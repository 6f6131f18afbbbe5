import pg from 'pg';
import type { PoolClient } from 'pg';
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
import type {
  AuthSubject,
  DeleteProjectResult,
  DeleteServiceResult,
  EndpointPatch,
  InsertEndpointResult,
  InsertServiceResult,
  PageRequest,
  PageResult,
  ServicePatch,
  Store,
  Transition,
} from '../store.ts';
import { POSTGRES_MIGRATIONS } from './migrations.ts';

export interface PostgresOptions {
  /** Connections in this node's pool (default 10). */
  poolSize?: number;
  /** `application_name` the server shows in pg_stat_activity (default `linkplane`). */
  applicationName?: string;
}

/** Advisory lock key under which migrations run ('lnkplane' read as a 63-bit integer). */
const MIGRATION_LOCK_KEY = '7813865330893762149';

const INT8_OID = 20;
const UNIQUE_VIOLATION = '23505';
/** deadlock_detected and serialization_failure: the transaction is retried from the start. */
const RETRYABLE = new Set(['40P01', '40001']);
const TX_ATTEMPTS = 4;

/** Patch keys stored in plain columns; any other key lives in the JSON `details` column. */
const PLAIN_COLUMNS: Readonly<Record<string, string>> = {
  status: 'status',
  errorMessage: 'error_message',
  deleteRequested: 'delete_requested',
  statusSince: 'status_since',
  nextReconcileAt: 'next_reconcile_at',
};

/** A key's project grants, in grant order, as `[[projectId, rolesJson], ...]`. */
const GRANTS = `(SELECT coalesce(json_agg(json_build_array(g.project_id, g.roles) ORDER BY g.grant_seq), '[]'::json)
    FROM project_api_keys g WHERE g.key_id = k.id) AS grants`;
/** A service's endpoint ids in creation order. */
const ENDPOINT_IDS = `coalesce((SELECT array_agg(p.endpoint_id ORDER BY p.seq) FROM private_endpoints p WHERE p.service_id = s.id),
    '{}'::text[]) AS endpoint_ids`;

function errorCode(e: unknown): string | undefined {
  return (e as { code?: unknown } | null)?.code as string | undefined;
}

function withGrants(r: Row): ApiKeyWithGrants {
  const grants = (typeof r.grants === 'string' ? JSON.parse(r.grants) : r.grants) as [string, string][];
  return { ...toApiKey(r), projectRoles: new Map(grants.map(([p, roles]) => [p, JSON.parse(roles) as string[]])) };
}

function withEndpoints(r: Row): EndpointServiceWithEndpoints {
  return { ...toEndpointService(r), endpointIds: (r.endpoint_ids as string[] | null) ?? [] };
}

function splitEndpointKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/** The patch without keys set to `undefined` (a Partial's absent value), so they change nothing. */
function defined<P extends object>(patch: P | undefined): P {
  return Object.fromEntries(Object.entries(patch ?? {}).filter(([, v]) => v !== undefined)) as P;
}

/** Whether every key of the patch maps to a plain column (so one UPDATE applies it without a read). */
function plainOnly(patch: object): boolean {
  return Object.keys(patch).every((k) => k in PLAIN_COLUMNS);
}

/** `SET` items and values for a plain-column patch; column names come from PLAIN_COLUMNS only. */
function plainSet(patch: object, firstParam: number): { sets: string[]; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [k, v] of Object.entries(patch)) {
    values.push(v);
    sets.push(`${PLAIN_COLUMNS[k]} = $${firstParam + values.length - 1}`);
  }
  return { sets, values };
}

function byDue<T extends { nextReconcileAt: number | null }>(key: (x: T) => string) {
  return (a: T, b: T): number =>
    (a.nextReconcileAt ?? 0) - (b.nextReconcileAt ?? 0) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/**
 * The multi-node store: PostgreSQL through a `pg` pool. Every Atlas invariant is a unique constraint
 * or a row lock on the parent row, so several stateless nodes can share one database:
 * uniqueness through `ON CONFLICT DO NOTHING`; endpoint inserts, service deletion requests and project
 * deletion lock the parent row `FOR UPDATE` before checking its children; reconciler claims take due
 * rows with `FOR UPDATE SKIP LOCKED`; transitions are version-checked updates, one transaction per batch.
 * Transactions run at READ COMMITTED and never span a call outside the database.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;

  /** Wraps a pool; does not migrate (use `PostgresStore.open`). The store owns the pool from now on. */
  constructor(readonly pool: pg.Pool) {}

  /**
   * Opens a pool on `url` (`postgres://` or `postgresql://`) and applies pending migrations. Safe when
   * several nodes start at once: migrations run under a transaction-level advisory lock.
   */
  static async open(url: string, opts: PostgresOptions = {}): Promise<PostgresStore> {
    const types = new pg.TypeOverrides();
    // BIGINT columns hold ms timestamps, versions and counters, all far below 2^53.
    types.setTypeParser(INT8_OID, (v: string) => Number(v));
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 10,
      application_name: opts.applicationName ?? 'linkplane',
      types,
      // A node that vanishes (host down, not process killed) must not hold row locks until TCP gives
      // up: keepalives notice the dead peer, and the server ends any transaction left idle.
      keepAlive: true,
      idle_in_transaction_session_timeout: 10_000,
    });
    // An idle connection that dies (server restart, network) is dropped from the pool; without a
    // listener its 'error' event would crash the process. The next query opens a fresh connection.
    pool.on('error', () => {});
    const store = new PostgresStore(pool);
    try {
      await store.migrate();
    } catch (e) {
      await pool.end().catch(() => {});
      throw e;
    }
    return store;
  }

  /** Applies pending migrations in one transaction under an advisory lock; returns how many applied. */
  async migrate(): Promise<number> {
    return this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      await c.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      const done = new Set((await c.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
      let applied = 0;
      for (const m of POSTGRES_MIGRATIONS) {
        if (done.has(m.id)) continue;
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [m.id, m.name, Date.now()]);
        applied++;
      }
      return applied;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async rows(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params)).rows as Row[];
  }

  private async one(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.pool.query(sql, params)).rows[0] as Row | undefined;
  }

  private async count(sql: string, params: unknown[] = []): Promise<number> {
    return Number((await this.pool.query(sql, params)).rows[0].n);
  }

  private async changed(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.pool.query(sql, params)).rowCount ?? 0;
  }

  /** Runs `fn` in one READ COMMITTED transaction on one connection; retries deadlocks. */
  private async tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const c = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await c.query('BEGIN');
        const result = await fn(c);
        await c.query('COMMIT');
        return result;
      } catch (e) {
        try {
          await c.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
        if (attempt < TX_ATTEMPTS && RETRYABLE.has(errorCode(e) ?? '')) continue;
        throw e;
      } finally {
        c.release(broken);
      }
    }
  }

  async getOrCreateSetting(key: string, value: string): Promise<string> {
    const inserted = await this.one('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value', [
      key,
      value,
    ]);
    if (inserted) return String(inserted.value);
    // The conflicting row is committed (ON CONFLICT waited for it) and this statement's snapshot is new.
    return String((await this.one('SELECT value FROM settings WHERE key = $1', [key]))!.value);
  }

  async getSetting(key: string): Promise<string | undefined> {
    const r = await this.one('SELECT value FROM settings WHERE key = $1', [key]);
    return r && String(r.value);
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.pool.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
      key,
      value,
    ]);
  }

  async countOrganizations(): Promise<number> {
    return this.count('SELECT count(*) AS n FROM organizations');
  }

  async bootstrap(org: Organization, key: ApiKey): Promise<boolean> {
    return this.tx(async (c) => {
      // Serialises bootstraps across nodes: the lock conflicts with itself and with inserts.
      await c.query('LOCK TABLE organizations IN SHARE ROW EXCLUSIVE MODE');
      const n = Number((await c.query('SELECT count(*) AS n FROM organizations')).rows[0].n);
      if (n > 0) return false;
      await c.query('INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)', [org.id, org.name, org.createdAt]);
      await this.insertKeyRow(c, key);
      return true;
    });
  }

  async getOrganization(id: string): Promise<Organization | undefined> {
    const r = await this.one('SELECT * FROM organizations WHERE id = $1', [id]);
    return r && toOrganization(r);
  }

  async insertProject(p: Project): Promise<boolean> {
    const n = await this.changed(
      `INSERT INTO projects (id, org_id, name, created_at, tags, with_default_alerts, regional_mode)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, name) DO NOTHING`,
      [p.id, p.orgId, p.name, p.createdAt, JSON.stringify(p.tags), p.withDefaultAlertsSettings, p.regionalModeEnabled],
    );
    return n === 1;
  }

  async getProject(id: string): Promise<Project | undefined> {
    const r = await this.one('SELECT * FROM projects WHERE id = $1', [id]);
    return r && toProject(r);
  }

  async getProjectByName(orgId: string, name: string): Promise<Project | undefined> {
    const r = await this.one('SELECT * FROM projects WHERE org_id = $1 AND name = $2', [orgId, name]);
    return r && toProject(r);
  }

  async listProjects(orgId: string, onlyIds: string[] | null, page: PageRequest): Promise<PageResult<Project>> {
    if (onlyIds) {
      const items = (
        await this.rows('SELECT * FROM projects WHERE org_id = $1 AND id = ANY($2::text[]) ORDER BY id LIMIT $3 OFFSET $4', [
          orgId,
          onlyIds,
          page.limit,
          page.offset,
        ])
      ).map(toProject);
      const total = page.includeCount
        ? await this.count('SELECT count(*) AS n FROM projects WHERE org_id = $1 AND id = ANY($2::text[])', [orgId, onlyIds])
        : undefined;
      return { items, total };
    }
    const items = (
      await this.rows('SELECT * FROM projects WHERE id IN (SELECT id FROM projects WHERE org_id = $1 ORDER BY id LIMIT $2 OFFSET $3) ORDER BY id', [orgId, page.limit, page.offset])
    ).map(toProject);
    const total = page.includeCount ? await this.count('SELECT coalesce((SELECT projects FROM org_counts WHERE org_id = $1), 0) AS n', [orgId]) : undefined;
    return { items, total };
  }

  async updateProject(p: Project): Promise<boolean> {
    try {
      await this.pool.query('UPDATE projects SET name = $1, tags = $2, with_default_alerts = $3 WHERE id = $4', [
        p.name,
        JSON.stringify(p.tags),
        p.withDefaultAlertsSettings,
        p.id,
      ]);
      return true;
    } catch (e) {
      if (errorCode(e) === UNIQUE_VIOLATION) return false;
      throw e;
    }
  }

  async deleteProject(id: string): Promise<DeleteProjectResult> {
    return this.tx(async (c) => {
      // FOR UPDATE conflicts with the FOR KEY SHARE lock a concurrent service insert takes through its
      // foreign key: either that insert committed first (and is seen below) or it waits and then fails.
      if ((await c.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [id])).rowCount === 0) return 'missing';
      if ((await c.query('SELECT 1 FROM endpoint_services WHERE project_id = $1 LIMIT 1', [id])).rowCount !== 0) return 'has-services';
      await c.query('DELETE FROM projects WHERE id = $1', [id]);
      return 'ok';
    });
  }

  private async insertKeyRow(c: PoolClient | pg.Pool, k: ApiKey): Promise<void> {
    await c.query(
      `INSERT INTO api_keys (id, org_id, description, public_key, ha1, private_key_tail, created_at, org_roles)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [k.id, k.orgId, k.desc, k.publicKey, k.ha1, k.privateKeyTail, k.createdAt, JSON.stringify(k.orgRoles)],
    );
  }

  async insertApiKey(k: ApiKey): Promise<void> {
    await this.insertKeyRow(this.pool, k);
  }

  async getApiKey(id: string): Promise<ApiKeyWithGrants | undefined> {
    const r = await this.one(`SELECT k.*, ${GRANTS} FROM api_keys k WHERE k.id = $1`, [id]);
    return r && withGrants(r);
  }

  async getAuthSubject(publicKey: string): Promise<AuthSubject | undefined> {
    // One round trip and one snapshot: the key, its grants and its access list.
    const r = await this.one(
      `SELECT k.*, ${GRANTS},
         (SELECT coalesce(json_agg(a ORDER BY a.created_at, a.cidr_block), '[]'::json) FROM access_list a WHERE a.key_id = k.id) AS access
       FROM api_keys k WHERE k.public_key = $1`,
      [publicKey],
    );
    if (!r) return undefined;
    const access = (typeof r.access === 'string' ? JSON.parse(r.access) : r.access) as Row[];
    return { key: withGrants(r), accessList: access.map(toAccessListEntry) };
  }

  async listApiKeys(orgId: string, page: PageRequest): Promise<PageResult<ApiKeyWithGrants>> {
    const items = (
      await this.rows(`SELECT k.*, ${GRANTS} FROM api_keys k WHERE k.id IN (SELECT id FROM api_keys WHERE org_id = $1 ORDER BY id LIMIT $2 OFFSET $3) ORDER BY k.id`, [
        orgId,
        page.limit,
        page.offset,
      ])
    ).map(withGrants);
    const total = page.includeCount ? await this.count('SELECT coalesce((SELECT api_keys FROM org_counts WHERE org_id = $1), 0) AS n', [orgId]) : undefined;
    return { items, total };
  }

  async updateApiKey(id: string, patch: { desc?: string; orgRoles?: string[] }): Promise<void> {
    if (patch.desc === undefined && patch.orgRoles === undefined) return;
    await this.pool.query('UPDATE api_keys SET description = coalesce($2, description), org_roles = coalesce($3, org_roles) WHERE id = $1', [
      id,
      patch.desc ?? null,
      patch.orgRoles === undefined ? null : JSON.stringify(patch.orgRoles),
    ]);
  }

  async deleteApiKey(id: string): Promise<boolean> {
    return (await this.changed('DELETE FROM api_keys WHERE id = $1', [id])) === 1;
  }

  async setProjectRoles(keyId: string, projectId: string, roles: string[]): Promise<void> {
    await this.pool.query(
      `INSERT INTO project_api_keys (key_id, project_id, roles) VALUES ($1, $2, $3)
       ON CONFLICT (key_id, project_id) DO UPDATE SET roles = excluded.roles`,
      [keyId, projectId, JSON.stringify(roles)],
    );
  }

  async removeProjectRoles(keyId: string, projectId: string): Promise<boolean> {
    return (await this.changed('DELETE FROM project_api_keys WHERE key_id = $1 AND project_id = $2', [keyId, projectId])) === 1;
  }

  async listProjectApiKeys(projectId: string, page: PageRequest): Promise<PageResult<ApiKeyWithGrants>> {
    const items = (
      await this.rows(
        `SELECT k.*, ${GRANTS} FROM project_api_keys pk JOIN api_keys k ON k.id = pk.key_id
         WHERE pk.project_id = $1 ORDER BY k.id LIMIT $2 OFFSET $3`,
        [projectId, page.limit, page.offset],
      )
    ).map(withGrants);
    const total = page.includeCount
      ? await this.count('SELECT count(*) AS n FROM project_api_keys WHERE project_id = $1', [projectId])
      : undefined;
    return { items, total };
  }

  async addAccessListEntries(entries: AccessListEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // One statement, so all entries land atomically; an entry already present keeps its counters.
    await this.pool.query(
      `INSERT INTO access_list (key_id, cidr_block, ip_address, created_at, count)
       SELECT key_id, cidr_block, ip_address, created_at, 0
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS e(key_id, cidr_block, ip_address, created_at)
       ON CONFLICT (key_id, cidr_block) DO NOTHING`,
      [entries.map((e) => e.keyId), entries.map((e) => e.cidrBlock), entries.map((e) => e.ipAddress), entries.map((e) => e.createdAt)],
    );
  }

  async listAccessList(keyId: string, page: PageRequest): Promise<PageResult<AccessListEntry>> {
    const items = (
      await this.rows('SELECT * FROM access_list WHERE key_id = $1 ORDER BY created_at, cidr_block LIMIT $2 OFFSET $3', [
        keyId,
        page.limit,
        page.offset,
      ])
    ).map(toAccessListEntry);
    const total = page.includeCount ? await this.count('SELECT count(*) AS n FROM access_list WHERE key_id = $1', [keyId]) : undefined;
    return { items, total };
  }

  async getAccessListEntry(keyId: string, cidrBlock: string): Promise<AccessListEntry | undefined> {
    const r = await this.one('SELECT * FROM access_list WHERE key_id = $1 AND cidr_block = $2', [keyId, cidrBlock]);
    return r && toAccessListEntry(r);
  }

  async deleteAccessListEntry(keyId: string, cidrBlock: string): Promise<boolean> {
    return (await this.changed('DELETE FROM access_list WHERE key_id = $1 AND cidr_block = $2', [keyId, cidrBlock])) === 1;
  }

  async recordAccessListUse(keyId: string, cidrBlock: string, address: string, at: number): Promise<void> {
    await this.pool.query(
      'UPDATE access_list SET count = count + 1, last_used_at = $3, last_used_address = $4 WHERE key_id = $1 AND cidr_block = $2',
      [keyId, cidrBlock, at, address],
    );
  }

  async setRegionalMode(projectId: string, enabled: boolean): Promise<void> {
    await this.pool.query('UPDATE projects SET regional_mode = $2 WHERE id = $1', [projectId, enabled]);
  }

  async insertEndpointService(s: EndpointService): Promise<InsertServiceResult> {
    const n = await this.changed(
      `INSERT INTO endpoint_services (id, project_id, provider, region, status, error_message, delete_requested, details,
         created_at, status_since, version, next_reconcile_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (project_id, provider, region) DO NOTHING`,
      [
        s.id,
        s.projectId,
        s.provider,
        s.region,
        s.status,
        s.errorMessage,
        s.deleteRequested,
        serviceDetails(s),
        s.createdAt,
        s.statusSince,
        s.version,
        s.nextReconcileAt,
      ],
    );
    return n === 1 ? 'ok' : 'duplicate-region';
  }

  async getEndpointService(projectId: string, id: string): Promise<EndpointServiceWithEndpoints | undefined> {
    const r = await this.one(`SELECT s.*, ${ENDPOINT_IDS} FROM endpoint_services s WHERE s.id = $1 AND s.project_id = $2`, [id, projectId]);
    return r && withEndpoints(r);
  }

  async findEndpointService(projectId: string, id: string): Promise<EndpointService | undefined> {
    const r = await this.one('SELECT * FROM endpoint_services WHERE id = $1 AND project_id = $2', [id, projectId]);
    return r && toEndpointService(r);
  }

  async listEndpointServices(projectId: string, provider: CloudProvider): Promise<EndpointServiceWithEndpoints[]> {
    const rows = await this.rows(
      `SELECT s.*, ${ENDPOINT_IDS} FROM endpoint_services s WHERE s.project_id = $1 AND s.provider = $2 ORDER BY s.id`,
      [projectId, provider],
    );
    return rows.map(withEndpoints);
  }

  async countEndpointServices(projectId: string): Promise<number> {
    return this.count('SELECT count(*) AS n FROM endpoint_services WHERE project_id = $1', [projectId]);
  }

  async requestServiceDeletion(projectId: string, id: string, now: number): Promise<DeleteServiceResult> {
    return this.tx(async (c) => {
      // Endpoint inserts lock the same row first, so the endpoint check below cannot miss one.
      const r = (await c.query('SELECT status FROM endpoint_services WHERE id = $1 AND project_id = $2 FOR UPDATE', [id, projectId]))
        .rows[0] as Row | undefined;
      if (!r) return 'missing';
      if ((await c.query('SELECT 1 FROM private_endpoints WHERE service_id = $1 LIMIT 1', [id])).rowCount !== 0) return 'has-endpoints';
      if (r.status !== 'DELETING') {
        await c.query(
          `UPDATE endpoint_services SET status = 'DELETING', delete_requested = TRUE, status_since = $2, next_reconcile_at = $2, lease_owner = NULL, lease_expires_at = NULL,
             version = version + 1 WHERE id = $1`,
          [id, now],
        );
      }
      return 'ok';
    });
  }

  async updateServiceRemoteRegions(projectId: string, id: string, regions: string[] | null): Promise<EndpointServiceWithEndpoints | undefined> {
    return this.tx(async (c) => {
      const r = (await c.query('SELECT * FROM endpoint_services WHERE id = $1 AND project_id = $2 FOR UPDATE', [id, projectId]))
        .rows[0] as Row | undefined;
      if (!r) return undefined;
      const next = patchService(toEndpointService(r), { supportedRemoteRegions: regions });
      await c.query('UPDATE endpoint_services SET details = $2, version = $3 WHERE id = $1', [id, serviceDetails(next), next.version]);
      const ids = (await c.query('SELECT endpoint_id FROM private_endpoints WHERE service_id = $1 ORDER BY seq', [id])).rows as Row[];
      return { ...next, endpointIds: ids.map((x) => String(x.endpoint_id)) };
    });
  }

  async insertPrivateEndpoint(e: PrivateEndpoint): Promise<InsertEndpointResult> {
    return this.tx(async (c) => {
      // The service row lock serialises endpoint inserts of one service (seq, duplicates) with its
      // deletion request.
      const s = (
        await c.query('SELECT status, delete_requested, provider FROM endpoint_services WHERE id = $1 AND project_id = $2 FOR UPDATE', [
          e.serviceId,
          e.projectId,
        ])
      ).rows[0] as { status: string; delete_requested: boolean; provider: string } | undefined;
      if (!s || s.provider !== e.provider) return 'service-missing';
      if ((await c.query('SELECT 1 FROM private_endpoints WHERE service_id = $1 AND endpoint_id = $2', [e.serviceId, e.endpointId])).rowCount !== 0) {
        return 'duplicate';
      }
      if (s.status !== 'AVAILABLE' || s.delete_requested) return 'service-not-available';
      const inserted = await c.query(
        `INSERT INTO private_endpoints (service_id, endpoint_id, project_id, provider, status, error_message, delete_requested, details,
           created_at, seq, status_since, version, next_reconcile_at)
         SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::boolean, $8::text, $9::bigint, coalesce(max(seq), 0) + 1,
                $10::bigint, $11::bigint, $12::bigint
         FROM private_endpoints WHERE service_id = $1::text
         ON CONFLICT (service_id, endpoint_id) DO NOTHING`,
        [
          e.serviceId,
          e.endpointId,
          e.projectId,
          e.provider,
          e.status,
          e.errorMessage,
          e.deleteRequested,
          endpointDetails(e),
          e.createdAt,
          e.statusSince,
          e.version,
          e.nextReconcileAt,
        ],
      );
      return inserted.rowCount === 1 ? 'ok' : 'duplicate';
    });
  }

  async getPrivateEndpoint(serviceId: string, endpointId: string): Promise<PrivateEndpoint | undefined> {
    const r = await this.one('SELECT * FROM private_endpoints WHERE service_id = $1 AND endpoint_id = $2', [serviceId, endpointId]);
    return r && toPrivateEndpoint(r);
  }

  async requestEndpointDeletion(serviceId: string, endpointId: string, now: number): Promise<boolean> {
    return this.tx(async (c) => {
      const r = (await c.query('SELECT status FROM private_endpoints WHERE service_id = $1 AND endpoint_id = $2 FOR UPDATE', [serviceId, endpointId]))
        .rows[0] as Row | undefined;
      if (!r) return false;
      if (r.status !== 'DELETING') {
        await c.query(
          `UPDATE private_endpoints SET status = 'DELETING', delete_requested = TRUE, status_since = $3, next_reconcile_at = $3, lease_owner = NULL, lease_expires_at = NULL,
             version = version + 1 WHERE service_id = $1 AND endpoint_id = $2`,
          [serviceId, endpointId, now],
        );
      }
      return true;
    });
  }

  async claimDueServices(now: number, owner: string, leaseMs: number, limit: number): Promise<EndpointService[]> {
    const rows = await this.rows(
      `UPDATE endpoint_services SET lease_owner = $2, lease_expires_at = $3
       WHERE id IN (
         SELECT id FROM endpoint_services
         WHERE next_reconcile_at <= $1 AND (lease_owner IS NULL OR lease_expires_at <= $1)
         ORDER BY next_reconcile_at LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, owner, now + leaseMs, limit],
    );
    return rows.map(toEndpointService).sort(byDue((s) => s.id));
  }

  async claimDueEndpoints(now: number, owner: string, leaseMs: number, limit: number): Promise<PrivateEndpoint[]> {
    const rows = await this.rows(
      `UPDATE private_endpoints SET lease_owner = $2, lease_expires_at = $3
       WHERE (service_id, endpoint_id) IN (
         SELECT service_id, endpoint_id FROM private_endpoints
         WHERE next_reconcile_at <= $1 AND (lease_owner IS NULL OR lease_expires_at <= $1)
         ORDER BY next_reconcile_at LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, owner, now + leaseMs, limit],
    );
    return rows.map(toPrivateEndpoint).sort(byDue((e) => `${e.serviceId}/${e.endpointId}`));
  }

  async applyServiceTransitions(transitions: Transition<ServicePatch>[]): Promise<number> {
    if (transitions.length === 0) return 0;
    // Rows are locked in key order, so two overlapping batches cannot deadlock (sort is stable).
    const ordered = [...transitions].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return this.tx(async (c) => {
      let applied = 0;
      for (const t of ordered) {
        if (t.remove) {
          applied += (await c.query('DELETE FROM endpoint_services WHERE id = $1 AND version = $2', [t.key, t.expectedVersion])).rowCount ?? 0;
          continue;
        }
        const patch = defined(t.patch);
        if (plainOnly(patch)) {
          const { sets, values } = plainSet(patch, 3);
          const n = await c.query(
            `UPDATE endpoint_services SET ${[...sets, 'version = version + 1', 'lease_owner = NULL', 'lease_expires_at = NULL'].join(', ')}
             WHERE id = $1 AND version = $2`,
            [t.key, t.expectedVersion, ...values],
          );
          applied += n.rowCount ?? 0;
          continue;
        }
        const r = (await c.query('SELECT * FROM endpoint_services WHERE id = $1 AND version = $2 FOR UPDATE', [t.key, t.expectedVersion]))
          .rows[0] as Row | undefined;
        if (!r) continue;
        const next = patchService(toEndpointService(r), patch);
        await c.query(
          `UPDATE endpoint_services SET status = $3, error_message = $4, delete_requested = $5, details = $6, status_since = $7,
             next_reconcile_at = $8, version = $9, lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND version = $2`,
          [
            t.key,
            t.expectedVersion,
            next.status,
            next.errorMessage,
            next.deleteRequested,
            serviceDetails(next),
            next.statusSince,
            next.nextReconcileAt,
            next.version,
          ],
        );
        applied++;
      }
      return applied;
    });
  }

  async applyEndpointTransitions(transitions: Transition<EndpointPatch>[]): Promise<number> {
    if (transitions.length === 0) return 0;
    const ordered = [...transitions].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return this.tx(async (c) => {
      let applied = 0;
      for (const t of ordered) {
        const [serviceId, endpointId] = splitEndpointKey(t.key);
        if (t.remove) {
          applied +=
            (await c.query('DELETE FROM private_endpoints WHERE service_id = $1 AND endpoint_id = $2 AND version = $3', [
              serviceId,
              endpointId,
              t.expectedVersion,
            ])).rowCount ?? 0;
          continue;
        }
        const patch = defined(t.patch);
        if (plainOnly(patch)) {
          const { sets, values } = plainSet(patch, 4);
          const n = await c.query(
            `UPDATE private_endpoints SET ${[...sets, 'version = version + 1', 'lease_owner = NULL', 'lease_expires_at = NULL'].join(', ')}
             WHERE service_id = $1 AND endpoint_id = $2 AND version = $3`,
            [serviceId, endpointId, t.expectedVersion, ...values],
          );
          applied += n.rowCount ?? 0;
          continue;
        }
        const r = (
          await c.query('SELECT * FROM private_endpoints WHERE service_id = $1 AND endpoint_id = $2 AND version = $3 FOR UPDATE', [
            serviceId,
            endpointId,
            t.expectedVersion,
          ])
        ).rows[0] as Row | undefined;
        if (!r) continue;
        const next = patchEndpoint(toPrivateEndpoint(r), patch);
        await c.query(
          `UPDATE private_endpoints SET status = $4, error_message = $5, delete_requested = $6, details = $7, status_since = $8,
             next_reconcile_at = $9, version = $10, lease_owner = NULL, lease_expires_at = NULL
           WHERE service_id = $1 AND endpoint_id = $2 AND version = $3`,
          [
            serviceId,
            endpointId,
            t.expectedVersion,
            next.status,
            next.errorMessage,
            next.deleteRequested,
            endpointDetails(next),
            next.statusSince,
            next.nextReconcileAt,
            next.version,
          ],
        );
        applied++;
      }
      return applied;
    });
  }

  async nextDueAt(): Promise<number | null> {
    const r = await this.one(
      `SELECT least((SELECT min(greatest(next_reconcile_at, coalesce(lease_expires_at, 0))) FROM endpoint_services WHERE next_reconcile_at IS NOT NULL),
                    (SELECT min(greatest(next_reconcile_at, coalesce(lease_expires_at, 0))) FROM private_endpoints WHERE next_reconcile_at IS NOT NULL)) AS t`,
    );
    return r?.t === null || r?.t === undefined ? null : Number(r.t);
  }

  async insertFaultRule(rule: FaultRule): Promise<void> {
    await this.pool.query('INSERT INTO fault_rules (id, body, created_at) VALUES ($1, $2, $3)', [rule.id, JSON.stringify(rule), rule.createdAt]);
  }

  async listFaultRules(): Promise<FaultRule[]> {
    return (await this.rows('SELECT body FROM fault_rules ORDER BY created_at, id')).map(toFaultRule);
  }

  async deleteFaultRule(id: string): Promise<boolean> {
    return (await this.changed('DELETE FROM fault_rules WHERE id = $1', [id])) === 1;
  }

  async clearFaultRules(): Promise<number> {
    return this.changed('DELETE FROM fault_rules');
  }
}
