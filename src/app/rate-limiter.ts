/** Outcome of taking one token from a bucket. */
export interface TokenResult {
  allowed: boolean;
  remaining: number;
  /** Seconds until a token is available again (0 when allowed). */
  retryAfterSeconds: number;
}

/**
 * Token buckets keyed by (endpoint set, scope id). The in-memory limiter serves one process; the
 * database-backed one shares buckets between nodes.
 */
export interface RateLimiter {
  take(bucket: string, capacity: number, refillPerMinute: number, now: number): Promise<TokenResult>;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** One process's buckets; idle buckets are dropped once they would be full again. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private sweepAt = 0;

  async take(key: string, capacity: number, refillPerMinute: number, now: number): Promise<TokenResult> {
    return takeToken(this.buckets, key, capacity, refillPerMinute, now, () => this.sweep(now, capacity, refillPerMinute));
  }

  private sweep(now: number, capacity: number, refillPerMinute: number): void {
    if (now < this.sweepAt) return;
    this.sweepAt = now + 60_000;
    const fullAfterMs = refillPerMinute > 0 ? (capacity / refillPerMinute) * 60_000 : Infinity;
    for (const [k, b] of this.buckets) if (now - b.at > fullAfterMs) this.buckets.delete(k);
  }
}

/** The bucket arithmetic, shared by every limiter: refill by elapsed time, then take one token. */
export function refill(tokens: number, at: number, capacity: number, refillPerMinute: number, now: number): number {
  return Math.min(capacity, tokens + (Math.max(0, now - at) * refillPerMinute) / 60_000);
}

export function takeFrom(tokens: number, refillPerMinute: number): TokenResult & { tokens: number } {
  if (tokens >= 1) return { allowed: true, remaining: Math.floor(tokens - 1), retryAfterSeconds: 0, tokens: tokens - 1 };
  // A hair below a whole second is floating-point noise (the SQL and JS refills round differently).
  const wait = refillPerMinute > 0 ? Math.ceil(((1 - tokens) * 60) / refillPerMinute - 1e-9) : 60;
  return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, wait), tokens };
}

function takeToken(
  buckets: Map<string, Bucket>,
  key: string,
  capacity: number,
  refillPerMinute: number,
  now: number,
  sweep: () => void,
): TokenResult {
  sweep();
  const b = buckets.get(key);
  const tokens = b ? refill(b.tokens, b.at, capacity, refillPerMinute, now) : capacity;
  const r = takeFrom(tokens, refillPerMinute);
  buckets.set(key, { tokens: r.tokens, at: now });
  return { allowed: r.allowed, remaining: r.remaining, retryAfterSeconds: r.retryAfterSeconds };
}
