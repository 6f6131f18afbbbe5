import type { FastifyRequest } from 'fastify';
import type { Paging } from './query.ts';

export interface Link {
  href: string;
  rel: string;
}

/** The scheme and host clients see, for `links`: configured, or taken from the request. */
export function baseUrl(request: FastifyRequest, configured?: string): string {
  if (configured) return configured.replace(/\/$/, '');
  return `${request.protocol}://${request.headers.host ?? 'localhost'}`;
}

/**
 * A paginated Atlas list body: `{links, results, totalCount}`. `self` carries `pageNum` (clients
 * parse the current page from it); `next` appears only when more rows exist, `previous` only after
 * page 1. Fetching one row more than a page tells whether a next page exists without counting.
 */
export function paginated<T>(
  base: string,
  path: string,
  paging: Paging,
  items: T[],
  total: number | undefined,
  hasMore: boolean,
): { links: Link[]; results: T[]; totalCount?: number } {
  const ic = `includeCount=${paging.includeCount}`;
  const links: Link[] = [];
  if (paging.pageNum > 1) {
    links.push({ href: `${base}${path}?${ic}&itemsPerPage=${paging.itemsPerPage}&pageNum=${paging.pageNum - 1}`, rel: 'previous' });
  }
  links.push({ href: `${base}${path}?${ic}&pageNum=${paging.pageNum}&itemsPerPage=${paging.itemsPerPage}`, rel: 'self' });
  if (hasMore) {
    links.push({ href: `${base}${path}?${ic}&itemsPerPage=${paging.itemsPerPage}&pageNum=${paging.pageNum + 1}`, rel: 'next' });
  }
  return total === undefined ? { links, results: items } : { links, results: items, totalCount: total };
}
