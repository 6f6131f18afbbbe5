import type { Link } from '../pagination.ts';

/** Atlas's related-resource links: `self`, then `https://cloud.mongodb.com/<name>` rels. */
export function selfLink(base: string, path: string): Link {
  return { href: `${base}${path}`, rel: 'self' };
}

export function relLinks(base: string, path: string, names: readonly string[]): Link[] {
  return names.map((n) => ({ href: `${base}${path}/${n}`, rel: `https://cloud.mongodb.com/${n}` }));
}
