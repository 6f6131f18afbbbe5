import type pg from 'pg';
import { takeFrom, type RateLimiter, type TokenResult } from '../../app/rate-limiter.ts';

/** The refill of `refill()` in src/app/rate-limiter.ts, in SQL over the stored row `b`. */
const REFILLED = `least($2::float8, b.tokens + (greatest(0, $4::bigint - b.updated_at) * $3::float8) / 60000)`;

/**
 * Takes one token in one statement. The upsert is the decision: it inserts a new bucket with one token
 * taken, or locks the existing row, refills it by the elapsed time and takes a token only when at least
 * one is there (the `WHERE` of `DO UPDATE`, evaluated on the latest committed row version while the
 * row lock is held, so concurrent takes from any number of nodes serialise on the row and never
 * over-grant). A returned row means granted. Otherwise the outer branch reads the bucket to tell how
 * long until the next token; that read only feeds the Retry-After hint.
 *
 * A refused take leaves the row as it was: refilling later from the older `updated_at` gives the same
 * tokens as refilling now and again later (the bucket is below one token, so the capacity cap cannot
 * cut in). `updated_at` never moves backwards, so a node whose clock lags cannot refill the same
 * interval twice.
 */
const TAKE = `
WITH taken AS (
  INSERT INTO rate_limit_buckets AS b (bucket, tokens, updated_at)
  VALUES ($1, $2::float8 - 1, $4::bigint)
  ON CONFLICT (bucket) DO UPDATE
    SET tokens = ${REFILLED} - 1,
        updated_at = greatest(b.updated_at, $4::bigint)
    WHERE ${REFILLED} >= 1
  RETURNING b.tokens
)
SELECT TRUE AS allowed, tokens FROM taken
UNION ALL
SELECT FALSE AS allowed, ${REFILLED} AS tokens
FROM rate_limit_buckets b
WHERE b.bucket = $1 AND NOT EXISTS (SELECT 1 FROM taken)`;

/**
 * Token buckets shared by every node through the `rate_limit_buckets` table (migration 3), with the
 * arithmetic of the in-memory limiter (`refill`, `takeFrom`): a new bucket starts full, tokens refill
 * by `refillPerMinute` per 60 s up to `capacity`, a take needs one whole token. One round trip per take.
 */
export class PostgresRateLimiter implements RateLimiter {
  constructor(private readonly pool: Pick<pg.Pool, 'query'>) {}

  async take(bucket: string, capacity: number, refillPerMinute: number, now: number): Promise<TokenResult> {
    // A bucket that can never hold a whole token refuses everything (the schema stores no such bucket).
    if (!(capacity >= 1)) return strip(takeFrom(capacity > 0 ? capacity : 0, refillPerMinute));
    const { rows } = await this.pool.query<{ allowed: boolean; tokens: number }>(TAKE, [bucket, capacity, refillPerMinute, Math.floor(now)]);
    const r = rows[0];
    if (r?.allowed) return { allowed: true, remaining: Math.floor(Number(r.tokens)), retryAfterSeconds: 0 };
    // Refused. No row at all means the bucket was created by a take that committed after this
    // statement's snapshot: it was just drained, so the wait is that of an empty bucket.
    const t = takeFrom(Math.min(Number(r?.tokens ?? 0), 1 - Number.EPSILON), refillPerMinute);
    return strip(t);
  }
}

function strip(r: TokenResult): TokenResult {
  return { allowed: r.allowed, remaining: r.remaining, retryAfterSeconds: r.retryAfterSeconds };
}
