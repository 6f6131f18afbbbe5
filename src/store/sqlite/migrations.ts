/**
 * Ordered SQLite schema migrations. Append only: a released migration is never edited, the next change
 * is a new entry. Applied in one transaction each at start-up; `schema_migrations` records them.
 */
export const SQLITE_MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'identity',
    sql: `
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  with_default_alerts INTEGER NOT NULL DEFAULT 1,
  regional_mode INTEGER NOT NULL DEFAULT 0,
  UNIQUE (org_id, name)
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  description TEXT NOT NULL,
  public_key TEXT NOT NULL UNIQUE,
  ha1 TEXT NOT NULL,
  private_key_tail TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  org_roles TEXT NOT NULL
);
CREATE INDEX api_keys_org ON api_keys (org_id, id);
CREATE TABLE project_api_keys (
  key_id TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  roles TEXT NOT NULL,
  PRIMARY KEY (key_id, project_id)
);
CREATE INDEX project_api_keys_project ON project_api_keys (project_id, key_id);
CREATE TABLE access_list (
  key_id TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  cidr_block TEXT NOT NULL,
  ip_address TEXT,
  created_at INTEGER NOT NULL,
  count INTEGER NOT NULL DEFAULT 0,
  last_used_at INTEGER,
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
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  provider TEXT NOT NULL,
  region TEXT NOT NULL,
  status TEXT NOT NULL,
  error_message TEXT,
  delete_requested INTEGER NOT NULL DEFAULT 0,
  details TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  status_since INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  next_reconcile_at INTEGER,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  UNIQUE (project_id, provider, region)
);
CREATE INDEX endpoint_services_due ON endpoint_services (next_reconcile_at) WHERE next_reconcile_at IS NOT NULL;
CREATE TABLE private_endpoints (
  service_id TEXT NOT NULL REFERENCES endpoint_services(id),
  endpoint_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  status TEXT NOT NULL,
  error_message TEXT,
  delete_requested INTEGER NOT NULL DEFAULT 0,
  details TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  status_since INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  next_reconcile_at INTEGER,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  PRIMARY KEY (service_id, endpoint_id)
);
CREATE INDEX private_endpoints_order ON private_endpoints (service_id, seq);
CREATE INDEX private_endpoints_due ON private_endpoints (next_reconcile_at) WHERE next_reconcile_at IS NOT NULL;
CREATE TABLE fault_rules (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`,
  },
  {
    id: 3,
    name: 'list-indexes',
    sql: `
CREATE INDEX projects_org ON projects (org_id, id);
`,
  },
  {
    id: 4,
    name: 'org-counts',
    sql: `
CREATE TABLE org_counts (
  org_id TEXT PRIMARY KEY REFERENCES organizations(id),
  projects INTEGER NOT NULL DEFAULT 0,
  api_keys INTEGER NOT NULL DEFAULT 0
);
INSERT INTO org_counts (org_id, projects, api_keys)
  SELECT o.id, (SELECT count(*) FROM projects p WHERE p.org_id = o.id), (SELECT count(*) FROM api_keys k WHERE k.org_id = o.id)
  FROM organizations o;
CREATE TRIGGER org_counts_org AFTER INSERT ON organizations BEGIN
  INSERT INTO org_counts (org_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER org_counts_project_in AFTER INSERT ON projects BEGIN
  UPDATE org_counts SET projects = projects + 1 WHERE org_id = NEW.org_id;
END;
CREATE TRIGGER org_counts_project_out AFTER DELETE ON projects BEGIN
  UPDATE org_counts SET projects = projects - 1 WHERE org_id = OLD.org_id;
END;
CREATE TRIGGER org_counts_key_in AFTER INSERT ON api_keys BEGIN
  UPDATE org_counts SET api_keys = api_keys + 1 WHERE org_id = NEW.org_id;
END;
CREATE TRIGGER org_counts_key_out AFTER DELETE ON api_keys BEGIN
  UPDATE org_counts SET api_keys = api_keys - 1 WHERE org_id = OLD.org_id;
END;
`,
  },
];
