import type { Store } from '../store/store.ts';

/** What every use case may touch: the store and the clock. Never HTTP types. */
export interface AppContext {
  store: Store;
  now: () => number;
  /** Called after any change to keys, grants or access lists (authentication caches listen). */
  identityChanged?: () => void;
}
