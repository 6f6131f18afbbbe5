import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { openStore, sqlitePath } from '../../src/store/open-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { storeContract } from './store-contract.ts';
import { createDatabase, PG_URL, withPostgres, type TestDatabase } from '../support/postgres.ts';

/**
 * The store contract against both engines: SQLite always (a temp file per suite), PostgreSQL when
 * LINKPLANE_TEST_PG_URL names a server (a fresh `lp_test_<random>` database per suite, dropped after).
 * In CI (CI set) the PostgreSQL half is mandatory.
 */

// ---- SQLite -------------------------------------------------------------------------------------

const sqliteFiles = new Map<Store, { dir: string; path: string }>();

storeContract(
  'sqlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lp-store-'));
    const path = join(dir, 'linkplane.db');
    const store = new SqliteStore(path);
    sqliteFiles.set(store, { dir, path });
    return store;
  },
  async (store) => {
    rmSync(sqliteFiles.get(store)!.dir, { recursive: true, force: true });
    sqliteFiles.delete(store);
  },
  async (store) => new SqliteStore(sqliteFiles.get(store)!.path),
);

describe('sqlite: migrations and openStore', () => {
  test('a second open migrates nothing; openStore picks SQLite for paths and sqlite: locations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lp-store-'));
    try {
      const path = join(dir, 'sub', 'x.db');
      const first = new SqliteStore(path);
      const second = new SqliteStore(path);
      assert.equal(second.migrate(), 0);
      await second.close();
      await first.close();
      for (const location of [path, `sqlite:${path}`, `sqlite://${path}`, ':memory:', 'sqlite::memory:']) {
        const s = await openStore(location, { sqliteSynchronous: 'FULL' });
        assert.equal(s.kind, 'sqlite');
        assert.ok(s instanceof SqliteStore);
        await s.close();
      }
      assert.equal(sqlitePath('sqlite:///var/lib/lp.db'), '/var/lib/lp.db');
      assert.equal(sqlitePath('file:///var/lib/lp.db'), '/var/lib/lp.db');
      assert.equal(sqlitePath('data/lp.db'), 'data/lp.db');
      assert.throws(() => sqlitePath('mysql://user:pw@host/db'), /unsupported store location "mysql:\/\/\*\*\*@host\/db"/);
      await assert.rejects(openStore('mysql://host/db', {}), /unsupported store location/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- PostgreSQL ---------------------------------------------------------------------------------

withPostgres('store contract: PostgreSQL half', () => {
  const databases = new Map<Store, TestDatabase>();

  storeContract(
    'postgres',
    async () => {
      const db = await createDatabase();
      const store = await PostgresStore.open(db.url, { poolSize: 10, applicationName: 'linkplane-test' });
      databases.set(store, db);
      return store;
    },
    async (store) => {
      await databases.get(store)!.drop();
      databases.delete(store);
    },
    async (store) => PostgresStore.open(databases.get(store)!.url, { poolSize: 10, applicationName: 'linkplane-test-peer' }),
  );

  describe('postgres: migrations, pool and openStore', () => {
    test('nodes starting at once migrate exactly once; BIGINT parsed per pool, not globally', async () => {
      const db = await createDatabase();
      const stores: PostgresStore[] = [];
      try {
        stores.push(...(await Promise.all([1, 2, 3, 4].map(() => PostgresStore.open(db.url, { poolSize: 2 })))));
        const ids = (await stores[0].pool.query('SELECT id, name FROM schema_migrations ORDER BY id')).rows;
        assert.deepEqual(
          ids,
          POSTGRES_MIGRATIONS.map((m) => ({ id: m.id, name: m.name })),
        );
        assert.equal(await stores[1].migrate(), 0);
        assert.deepEqual((await stores[2].pool.query('SELECT 9007199254740991::bigint AS n, count(*) AS c FROM schema_migrations')).rows, [
          { n: 9007199254740991, c: POSTGRES_MIGRATIONS.length },
        ]);
        // The global parser still yields strings: other pg users in the process are unaffected.
        assert.equal(pg.types.getTypeParser(20, 'text')('42'), '42');
        const plain = new pg.Client({ connectionString: db.url });
        await plain.connect();
        try {
          assert.deepEqual((await plain.query('SELECT 42::bigint AS n')).rows, [{ n: '42' }]);
        } finally {
          await plain.end();
        }

        const viaOpen = await openStore(db.url, { poolSize: 1 });
        assert.equal(viaOpen.kind, 'postgres');
        assert.ok(viaOpen instanceof PostgresStore);
        await viaOpen.close();
        const alt = new URL(db.url);
        alt.protocol = 'postgresql:';
        const viaAlt = await openStore(alt.toString(), {});
        assert.equal(viaAlt.kind, 'postgres');
        await viaAlt.close();
      } finally {
        for (const s of stores) await s.close();
        await db.drop();
      }
    });

    test('open fails cleanly on an unreachable server', async () => {
      const url = new URL(PG_URL);
      url.port = '1';
      await assert.rejects(PostgresStore.open(url.toString(), { poolSize: 1 }), /ECONNREFUSED/);
    });
  });
});
