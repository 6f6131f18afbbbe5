/**
 * Refuses a replayed digest (nonce, nc) pair. One process uses the in-memory `ReplayGuard`; nodes on
 * one PostgreSQL database share their pairs through it, so a replay to another node is refused too.
 * Returns true the first time a pair is seen.
 */
export interface ReplayCheck {
  use(nonce: string, nc: string): boolean | Promise<boolean>;
}
