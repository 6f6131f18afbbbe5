import type { HandlerInput } from '../route-table.ts';
import { baseUrl, paginated } from '../pagination.ts';
import { pagingParams, type Paging } from '../query.ts';
import type { PageResult } from '../../store/store.ts';
import type { RouteContext } from '../server.ts';

/** The tree prefix of the request (`/api/atlas/v1.0` or `/api/atlas/v2`), for links. */
export function prefixOf(input: HandlerInput): string {
  return input.state.tree === 'v2' ? '/api/atlas/v2' : '/api/atlas/v1.0';
}

export function baseOf(ctx: RouteContext, input: HandlerInput): string {
  return baseUrl(input.request, ctx.publicUrl);
}

/**
 * Serves one page of a list: asks the store for one row more than the page to learn whether a next
 * page exists, counts only when `includeCount` asks for it.
 */
export async function pageOf<T, V>(
  ctx: RouteContext,
  input: HandlerInput,
  fetch: (page: Paging) => Promise<PageResult<T>>,
  view: (item: T) => V,
) {
  const paging = pagingParams(input.query);
  const r = await fetch({ ...paging, limit: paging.limit + 1 });
  const hasMore = r.items.length > paging.limit;
  const items = hasMore ? r.items.slice(0, paging.limit) : r.items;
  const path = input.request.url.split('?')[0];
  return paginated(baseOf(ctx, input), path, paging, items.map(view), r.total, hasMore);
}

export const ok = (body: unknown) => ({ status: 200, body });
export const created = (body: unknown) => ({ status: 201, body });
export const accepted = (body: unknown = {}) => ({ status: 202, body });
export const noContent = () => ({ status: 204, body: undefined });
