import type { Store } from '../store/store.ts';

/** What every use case may touch: the store and the clock. Never HTTP types. */
export interface AppContext {
  store: Store;
  now: () => number;
}
