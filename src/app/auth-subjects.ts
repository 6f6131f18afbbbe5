import type { AuthSubject, Store } from '../store/store.ts';

/**
 * Authentication reads a key, its grants and its access list on every request. This keeps them per
 * public key for `ttlMs`. A change made through this node clears the cache at once (the use cases call
 * `invalidate`); a change made through another node is seen within `ttlMs`.
 */
export class AuthSubjects {
  private readonly cache = new Map<string, { subject: AuthSubject | undefined; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly ttlMs = 1000,
    private readonly maxEntries = 10_000,
  ) {}

  async get(publicKey: string): Promise<AuthSubject | undefined> {
    const now = this.now();
    const hit = this.cache.get(publicKey);
    if (hit && now - hit.at < this.ttlMs) return hit.subject;
    const subject = await this.store.getAuthSubject(publicKey);
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    if (subject) this.cache.set(publicKey, { subject, at: now });
    else this.cache.delete(publicKey);
    return subject;
  }

  invalidate(): void {
    this.cache.clear();
  }
}
