import type pg from 'pg';
import type { ReplayCheck } from '../../app/replay-check.ts';

/**
 * Refuses a digest (nonce, nc) pair already used at any node: one `INSERT ... ON CONFLICT DO NOTHING`
 * per authenticated request into an UNLOGGED table (a database crash forgets pairs, whose nonces then
 * expire within their TTL anyway). Expired pairs are swept at most once a minute.
 */
export class PostgresReplayGuard implements ReplayCheck {
  private sweptAt = 0;

  constructor(
    private readonly pool: Pick<pg.Pool, 'query'>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async use(nonce: string, nc: string): Promise<boolean> {
    const now = Math.floor(this.now());
    if (now - this.sweptAt > 60_000) {
      this.sweptAt = now;
      await this.pool.query('DELETE FROM digest_nonce_uses WHERE expires_at < $1', [now]);
    }
    const r = await this.pool.query('INSERT INTO digest_nonce_uses (nonce, nc, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      nonce,
      nc,
      now + this.ttlMs,
    ]);
    return r.rowCount === 1;
  }
}
