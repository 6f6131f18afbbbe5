import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryRateLimiter, type TokenResult } from '../../src/app/rate-limiter.ts';
import { PostgresRateLimiter } from '../../src/store/postgres/postgres-rate-limiter.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { createDatabase, withPostgres, type TestDatabase } from '../support/postgres.ts';

/**
 * The database-backed rate limiter: token buckets shared by several nodes (here: two limiter
 * instances on two pools, as two nodes would have) through one PostgreSQL database. Runs when
 * LINKPLANE_TEST_PG_URL names a server (a fresh `lp_test_<random>` database, dropped after);
 * mandatory in CI.
 */

const T0 = Date.UTC(2026, 11, 4, 12, 0, 0);

withPostgres('PostgresRateLimiter', () => {
  describe('PostgresRateLimiter: token buckets shared through PostgreSQL', () => {
    let db: TestDatabase;
    let nodeA: PostgresStore;
    let nodeB: PostgresStore;
    let a: PostgresRateLimiter;
    let b: PostgresRateLimiter;
    let n = 0;
    const bucket = () => `privateEndpoints:bucket-${++n}`;

    before(async () => {
      db = await createDatabase();
      // Two nodes: two pools, each migrating (the second finds nothing to do).
      nodeA = await PostgresStore.open(db.url, { poolSize: 10, applicationName: 'linkplane-test-a' });
      nodeB = await PostgresStore.open(db.url, { poolSize: 10, applicationName: 'linkplane-test-b' });
      a = new PostgresRateLimiter(nodeA.pool);
      b = new PostgresRateLimiter(nodeB.pool);
    });

    after(async () => {
      await nodeA?.close();
      await nodeB?.close();
      await db?.drop();
    });

    test('migration 3 creates the unlogged table rate_limit_buckets(bucket TEXT PRIMARY KEY, tokens DOUBLE PRECISION, updated_at BIGINT)', async () => {
      const cols = (
        await nodeA.pool.query(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'rate_limit_buckets' ORDER BY ordinal_position`,
        )
      ).rows;
      assert.deepEqual(cols, [
        { column_name: 'bucket', data_type: 'text' },
        { column_name: 'tokens', data_type: 'double precision' },
        { column_name: 'updated_at', data_type: 'bigint' },
      ]);
      const m = (await nodeB.pool.query(`SELECT name FROM schema_migrations WHERE id = 3`)).rows;
      assert.deepEqual(m, [{ name: 'rate-limits' }]);
      // Soft state: unlogged, so a take does not wait for a WAL flush.
      const persistence = (await nodeA.pool.query(`SELECT relpersistence FROM pg_class WHERE relname = 'rate_limit_buckets'`)).rows;
      assert.deepEqual(persistence, [{ relpersistence: 'u' }]);
    });

    test('two nodes draw from one bucket: a new bucket starts full, each take by either node counts', async () => {
      const k = bucket();
      const seen: [string, TokenResult][] = [];
      for (let i = 0; i < 4; i++) {
        const node = i % 2 === 0 ? 'a' : 'b';
        seen.push([node, await (node === 'a' ? a : b).take(k, 3, 0, T0)]);
      }
      assert.deepEqual(seen, [
        ['a', { allowed: true, remaining: 2, retryAfterSeconds: 0 }],
        ['b', { allowed: true, remaining: 1, retryAfterSeconds: 0 }],
        ['a', { allowed: true, remaining: 0, retryAfterSeconds: 0 }],
        ['b', { allowed: false, remaining: 0, retryAfterSeconds: 60 }],
      ]);
      // Buckets are independent.
      assert.deepEqual(await b.take(bucket(), 3, 0, T0), { allowed: true, remaining: 2, retryAfterSeconds: 0 });
    });

    test('100 concurrent takes from two nodes against capacity 37: exactly 37 granted, never over', async () => {
      const k = bucket();
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).take(k, 37, 0, T0)));
      const granted = results.filter((r) => r.allowed);
      assert.equal(granted.length, 37);
      // Every grant saw a distinct remaining count: 36, 35, ..., 0 — the takes were serialised.
      assert.deepEqual(
        granted.map((r) => r.remaining).sort((x, y) => y - x),
        Array.from({ length: 37 }, (_, i) => 36 - i),
      );
      for (const r of results.filter((x) => !x.allowed)) assert.deepEqual(r, { allowed: false, remaining: 0, retryAfterSeconds: 60 });
      const row = (await nodeA.pool.query('SELECT tokens, updated_at FROM rate_limit_buckets WHERE bucket = $1', [k])).rows[0];
      assert.deepEqual(row, { tokens: 0, updated_at: T0 });
    });

    test('concurrent takes while time moves on: grants never exceed capacity plus what refilled', async () => {
      const k = bucket();
      // capacity 10, 600/min = one token per 100 ms; 100 takes spread over 1 s of injected time.
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).take(k, 10, 600, T0 + i * 10)));
      const granted = results.filter((r) => r.allowed).length;
      assert.ok(granted <= 10 + 10, `granted ${granted} > capacity 10 + 10 refilled`);
      assert.ok(granted >= 10, `granted ${granted} < capacity 10`);
    });

    test('refill with an injected now: by elapsed time, capped at capacity, with the retry-after wait', async () => {
      const k = bucket();
      // capacity 2, 30 per minute: one token every 2 s.
      assert.equal((await a.take(k, 2, 30, T0)).allowed, true);
      assert.equal((await b.take(k, 2, 30, T0)).allowed, true);
      assert.deepEqual(await a.take(k, 2, 30, T0), { allowed: false, remaining: 0, retryAfterSeconds: 2 });
      // 1 s later: half a token, still refused, one more second to wait.
      assert.deepEqual(await b.take(k, 2, 30, T0 + 1000), { allowed: false, remaining: 0, retryAfterSeconds: 1 });
      // 2 s after the drain: one whole token (refill counts from the last grant; refusals change nothing).
      assert.deepEqual(await a.take(k, 2, 30, T0 + 2000), { allowed: true, remaining: 0, retryAfterSeconds: 0 });
      // A long idle time refills to capacity and no further.
      assert.deepEqual(await b.take(k, 2, 30, T0 + 3_600_000), { allowed: true, remaining: 1, retryAfterSeconds: 0 });
      assert.deepEqual(await a.take(k, 2, 30, T0 + 3_600_000), { allowed: true, remaining: 0, retryAfterSeconds: 0 });
      assert.equal((await b.take(k, 2, 30, T0 + 3_600_000)).allowed, false);
    });

    test('a node whose clock lags cannot refill the same interval twice', async () => {
      const k = bucket();
      // capacity 3, 60 per minute: one token per second.
      assert.deepEqual(await a.take(k, 3, 60, T0), { allowed: true, remaining: 2, retryAfterSeconds: 0 });
      // Node b's clock is one second behind: it takes a token but does not move updated_at back...
      assert.deepEqual(await b.take(k, 3, 60, T0 - 1000), { allowed: true, remaining: 1, retryAfterSeconds: 0 });
      // ...so node a, at the same instant as its first take, finds no second's worth of refill.
      assert.deepEqual(await a.take(k, 3, 60, T0), { allowed: true, remaining: 0, retryAfterSeconds: 0 });
      assert.deepEqual(await a.take(k, 3, 60, T0), { allowed: false, remaining: 0, retryAfterSeconds: 1 });
      assert.deepEqual(await a.take(k, 3, 60, T0 + 1000), { allowed: true, remaining: 0, retryAfterSeconds: 0 });
    });

    test('same answers as the in-memory limiter (refill/takeFrom) for one client over a random schedule', async () => {
      // Quarter-second steps and 60 per minute keep every token count exactly representable.
      const mem = new MemoryRateLimiter();
      let rnd = 12345;
      const next = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (const [capacity, perMinute] of [
        [5, 60],
        [3, 240],
        [4, 0],
      ] as const) {
        const k = bucket();
        let now = T0;
        for (let i = 0; i < 80; i++) {
          now += Math.floor(next() * 8) * 250;
          const expected = await mem.take(k, capacity, perMinute, now);
          const actual = await (i % 2 === 0 ? a : b).take(k, capacity, perMinute, now);
          assert.deepEqual(actual, expected, `take ${i} at +${now - T0} ms (capacity ${capacity}, ${perMinute}/min)`);
        }
      }
    });

    test('a lowered capacity clamps a stored bucket', async () => {
      const k = bucket();
      assert.deepEqual(await a.take(k, 100, 0, T0), { allowed: true, remaining: 99, retryAfterSeconds: 0 });
      assert.deepEqual(await b.take(k, 3, 0, T0), { allowed: true, remaining: 2, retryAfterSeconds: 0 });
    });
  });
});
