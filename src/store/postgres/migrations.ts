/**
 * Ordered PostgreSQL schema migrations: the SQLite schema (same tables, columns, unique constraints,
 * foreign keys and indexes) in PostgreSQL types. Append only: a released migration is never edited, the
 * next change is a new entry. Ids follow each dialect's own list (PostgreSQL has one migration SQLite
 * does not need, the shared rate-limit buckets), so a twin is found by its name, not its id. `PostgresStore.migrate` applies the
 * pending ones in one transaction under an advisory lock; `schema_migrations` records them.
 *
 * Dialect choices (rows.ts reads both dialects):
 * - ms timestamps, counters and versions are BIGINT (parsed back to numbers by the store's pool);
 * - flags are BOOLEAN;
 * - JSON columns stay TEXT, as in SQLite: nothing queries inside them, and TEXT keeps the stored key
 *   order byte for byte (JSONB would reorder keys of fault rules and tags, which views may echo);
 * - text keys that lists are ordered by are `COLLATE "C"`, so ORDER BY sorts by bytes as SQLite does,
 *   whatever locale the cluster was initialised with, and the indexes still serve those orders;
 * - `project_api_keys.grant_seq` stands in for SQLite's implicit `rowid`, which orders a key's grants
 *   by first grant (an upsert keeps it). It is the only column SQLite does not declare.
 */
export const POSTGRES_MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'identity',
    sql: `
CREATE TABLE settings (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE organizations (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE projects (
  id TEXT COLLATE "C" PRIMARY KEY,
  org_id TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
  name TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  with_default_alerts BOOLEAN NOT NULL DEFAULT TRUE,
  regional_mode BOOLEAN NOT NULL DEFAULT FALSE,
  UNIQUE (org_id, name)
);
CREATE TABLE api_keys (
  id TEXT COLLATE "C" PRIMARY KEY,
  org_id TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
  description TEXT NOT NULL,
  public_key TEXT COLLATE "C" NOT NULL UNIQUE,
  ha1 TEXT NOT NULL,
  private_key_tail TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  org_roles TEXT NOT NULL
);
CREATE INDEX api_keys_org ON api_keys (org_id, id);
CREATE TABLE project_api_keys (
  key_id TEXT COLLATE "C" NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  project_id TEXT COLLATE "C" NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  roles TEXT NOT NULL,
  grant_seq BIGINT GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (key_id, project_id)
);
CREATE INDEX project_api_keys_project ON project_api_keys (project_id, key_id);
CREATE TABLE access_list (
  key_id TEXT COLLATE "C" NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  cidr_block TEXT COLLATE "C" NOT NULL,
  ip_address TEXT,
  created_at BIGINT NOT NULL,
  count BIGINT NOT NULL DEFAULT 0,
  last_used_at BIGINT,
  last_used_address TEXT,
  PRIMARY KEY (key_id, cidr_block)
);
`,
  },
  {
    id: 2,
    name: 'private-endpoints',
    sql: `
CREATE TABLE endpoint_services (
  id TEXT COLLATE "C" PRIMARY KEY,
  project_id TEXT COLLATE "C" NOT NULL REFERENCES projects(id),
  provider TEXT COLLATE "C" NOT NULL,
  region TEXT COLLATE "C" NOT NULL,
  status TEXT NOT NULL,
  error_message TEXT,
  delete_requested BOOLEAN NOT NULL DEFAULT FALSE,
  details TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  status_since BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  next_reconcile_at BIGINT,
  lease_owner TEXT,
  lease_expires_at BIGINT,
  UNIQUE (project_id, provider, region)
);
CREATE INDEX endpoint_services_due ON endpoint_services (next_reconcile_at) WHERE next_reconcile_at IS NOT NULL;
CREATE TABLE private_endpoints (
  service_id TEXT COLLATE "C" NOT NULL REFERENCES endpoint_services(id),
  endpoint_id TEXT COLLATE "C" NOT NULL,
  project_id TEXT COLLATE "C" NOT NULL,
  provider TEXT COLLATE "C" NOT NULL,
  status TEXT NOT NULL,
  error_message TEXT,
  delete_requested BOOLEAN NOT NULL DEFAULT FALSE,
  details TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  status_since BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  next_reconcile_at BIGINT,
  lease_owner TEXT,
  lease_expires_at BIGINT,
  PRIMARY KEY (service_id, endpoint_id)
);
CREATE INDEX private_endpoints_order ON private_endpoints (service_id, seq);
CREATE INDEX private_endpoints_due ON private_endpoints (next_reconcile_at) WHERE next_reconcile_at IS NOT NULL;
CREATE TABLE fault_rules (
  id TEXT COLLATE "C" PRIMARY KEY,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
`,
  },
  {
    // PostgreSQL only (SQLite serves one process and keeps its buckets in memory): the token buckets
    // nodes share, read and written by PostgresRateLimiter in one upsert per request. UNLOGGED: bucket
    // levels are soft state, so a take does not wait for a WAL flush (about 3.5x the takes per second
    // on one connection with fsync on); a database crash or a failover to a standby empties the table,
    // which only refills every bucket.
    id: 3,
    name: 'rate-limits',
    sql: `
CREATE UNLOGGED TABLE rate_limit_buckets (
  bucket TEXT COLLATE "C" PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  updated_at BIGINT NOT NULL
);
`,
  },
  {
    id: 4,
    name: 'list-indexes',
    sql: `
CREATE INDEX projects_org ON projects (org_id, id);
`,
  },
  {
    id: 5,
    name: 'digest-nonce-uses',
    sql: `
CREATE UNLOGGED TABLE digest_nonce_uses (
  nonce TEXT COLLATE "C" NOT NULL,
  nc TEXT COLLATE "C" NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (nonce, nc)
);
CREATE INDEX digest_nonce_uses_expiry ON digest_nonce_uses (expires_at);
`,
  },
  {
    id: 6,
    name: 'org-counts',
    sql: `
CREATE TABLE org_counts (
  org_id TEXT COLLATE "C" PRIMARY KEY REFERENCES organizations(id),
  projects BIGINT NOT NULL DEFAULT 0,
  api_keys BIGINT NOT NULL DEFAULT 0
);
INSERT INTO org_counts (org_id, projects, api_keys)
  SELECT o.id, (SELECT count(*) FROM projects p WHERE p.org_id = o.id), (SELECT count(*) FROM api_keys k WHERE k.org_id = o.id)
  FROM organizations o;
CREATE FUNCTION org_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'organizations' THEN
    INSERT INTO org_counts (org_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  ELSIF TG_TABLE_NAME = 'projects' AND TG_OP = 'INSERT' THEN
    UPDATE org_counts SET projects = projects + 1 WHERE org_id = NEW.org_id;
  ELSIF TG_TABLE_NAME = 'projects' THEN
    UPDATE org_counts SET projects = projects - 1 WHERE org_id = OLD.org_id;
  ELSIF TG_OP = 'INSERT' THEN
    UPDATE org_counts SET api_keys = api_keys + 1 WHERE org_id = NEW.org_id;
  ELSE
    UPDATE org_counts SET api_keys = api_keys - 1 WHERE org_id = OLD.org_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER org_counts_org AFTER INSERT ON organizations FOR EACH ROW EXECUTE FUNCTION org_counts_apply();
CREATE TRIGGER org_counts_projects AFTER INSERT OR DELETE ON projects FOR EACH ROW EXECUTE FUNCTION org_counts_apply();
CREATE TRIGGER org_counts_api_keys AFTER INSERT OR DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION org_counts_apply();
`,
  },
];
