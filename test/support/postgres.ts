/**
 * PostgreSQL for tests: the admin URL comes from LINKPLANE_TEST_PG_URL (.ci/run starts a throwaway
 * server and sets it). Each suite works in a scratch database of its own.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';

export const PG_URL = process.env.LINKPLANE_TEST_PG_URL ?? '';
const CI = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl, application_name: 'linkplane-test-admin' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A fresh database on the server `adminUrl` names (its own database is only used to create and drop). */
export async function createDatabase(adminUrl: string = PG_URL, prefix = 'lp_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withAdmin(adminUrl, async (c) => {
        try {
          await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
        } catch {
          await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)}`); // before PostgreSQL 13
        }
      }),
  };
}

/**
 * Registers the PostgreSQL tests of a file when a server is given. Without one: on a developer's
 * machine one line says they were skipped (and a skipped test shows it); in CI that is a failure,
 * since CI must never skip them.
 */
export function withPostgres(what: string, register: (adminUrl: string) => void): void {
  if (PG_URL) return register(PG_URL);
  if (CI) {
    test(what, () => {
      assert.fail(`CI is set but LINKPLANE_TEST_PG_URL is not: ${what} must run in CI (.ci/run starts a server)`);
    });
    return;
  }
  console.log(`${what}: skipped (LINKPLANE_TEST_PG_URL not set)`);
  test(what, { skip: 'LINKPLANE_TEST_PG_URL not set' }, () => {});
}
