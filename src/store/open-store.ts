import { fileURLToPath } from 'node:url';
import { PostgresStore } from './postgres/postgres-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export interface OpenStoreOptions {
  /** PostgreSQL only: connections in this node's pool (default 10). */
  poolSize?: number;
  /** SQLite only: `FULL` also survives power loss; `NORMAL` (default) survives a process crash. */
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  /** PostgreSQL only: `application_name` shown in pg_stat_activity. */
  applicationName?: string;
}

/**
 * Opens (and migrates) the store a database location names:
 * `postgres://…` / `postgresql://…` → PostgresStore; `:memory:`, `sqlite::memory:`, `sqlite:<path>`,
 * `sqlite://<path>`, `file:<url>` or a plain file path → SqliteStore. Any other `scheme://` is refused.
 */
export async function openStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return PostgresStore.open(url, { poolSize: opts.poolSize, applicationName: opts.applicationName });
  }
  return new SqliteStore(sqlitePath(url), { synchronous: opts.sqliteSynchronous });
}

/** The SQLite file path a location names (exported for tests and the CLI's messages). */
export function sqlitePath(url: string): string {
  let path = url;
  if (/^sqlite:\/\//i.test(path)) path = path.slice('sqlite://'.length);
  else if (/^sqlite:/i.test(path)) path = path.slice('sqlite:'.length);
  else if (/^file:/i.test(path)) path = fileURLToPath(path);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    throw new Error(`unsupported store location "${url.replace(/\/\/[^@/]*@/, '//***@')}": use a file path, sqlite:<path> or postgres://`);
  }
  if (path === '') throw new Error('empty store location');
  return path;
}
