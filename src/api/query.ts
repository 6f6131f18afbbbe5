import { atlasError } from '../domain/errors.ts';
import type { PageRequest } from '../store/store.ts';

/** Query values as Fastify parses them: a repeated key arrives as an array. */
export type RawQuery = Record<string, string | string[] | undefined>;

function single(q: RawQuery, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return v;
}

/** Atlas booleans in the query: `true`/`false` (any case); anything else is a 400. */
export function boolParam(q: RawQuery, name: string, def: boolean): boolean {
  const v = single(q, name);
  if (v === undefined || v === '') return def;
  const l = v.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  throw atlasError('INVALID_QUERY_PARAMETER', name);
}

function intParam(q: RawQuery, name: string, def: number, min: number, max: number): number {
  const v = single(q, name);
  if (v === undefined || v === '') return def;
  if (!/^\d{1,9}$/.test(v)) throw atlasError('INVALID_QUERY_PARAMETER', name);
  const n = Number(v);
  if (n < min || n > max) throw atlasError('INVALID_QUERY_PARAMETER', name);
  return n;
}

export interface Paging extends PageRequest {
  pageNum: number;
  itemsPerPage: number;
}

/** `pageNum` (>= 1), `itemsPerPage` (1..500, default 100) and `includeCount` (default true). */
export function pagingParams(q: RawQuery): Paging {
  const pageNum = intParam(q, 'pageNum', 1, 1, 100_000_000);
  const itemsPerPage = intParam(q, 'itemsPerPage', 100, 1, 500);
  const includeCount = boolParam(q, 'includeCount', true);
  return { pageNum, itemsPerPage, includeCount, offset: (pageNum - 1) * itemsPerPage, limit: itemsPerPage };
}

export function stringParam(q: RawQuery, name: string): string | undefined {
  return single(q, name);
}
