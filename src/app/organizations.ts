import type { Organization } from '../domain/organization.ts';
import type { Principal } from '../domain/roles.ts';
import type { PageRequest, PageResult } from '../store/store.ts';
import type { AppContext } from './app-context.ts';

/** The organizations a key sees: exactly its own (Terraform takes `results[0]` as "my organization"). */
export async function listOrganizations(ctx: AppContext, p: Principal, page: PageRequest): Promise<PageResult<Organization>> {
  const org = await ctx.store.getOrganization(p.orgId);
  const all = org ? [org] : [];
  return { items: all.slice(page.offset, page.offset + page.limit), total: page.includeCount ? all.length : undefined };
}
