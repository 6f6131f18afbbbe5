import type { Organization } from '../domain/organization.ts';
import { newObjectId } from '../domain/ids.ts';
import type { AppContext } from './app-context.ts';
import { mintApiKey } from './api-keys.ts';

export interface BootstrapResult {
  created: boolean;
  orgId?: string;
  publicKey?: string;
  /** Only when linkplane generated the key itself (print once). */
  privateKey?: string;
}

/**
 * On an empty store: one organization and one ORG_OWNER key, atomically. With fixed keys (scripts
 * and CI know them in advance) the key gets exactly those values. A store that already has an
 * organization is left alone, so restarts never create a second one.
 */
export async function bootstrap(
  ctx: AppContext,
  orgName: string,
  fixed?: { publicKey: string; privateKey: string },
): Promise<BootstrapResult> {
  if ((await ctx.store.countOrganizations()) > 0) return { created: false };
  const now = ctx.now();
  const org: Organization = { id: newObjectId(now), name: orgName, createdAt: now };
  const { key, privateKey } = mintApiKey(org.id, 'linkplane bootstrap key', ['ORG_OWNER'], now, fixed);
  if (!(await ctx.store.bootstrap(org, key))) return { created: false };
  return { created: true, orgId: org.id, publicKey: key.publicKey, privateKey: fixed ? undefined : privateKey };
}
