import { CLOUD_PROVIDERS } from '../domain/cloud-provider.ts';
import { atlasError } from '../domain/errors.ts';
import type { Project } from '../domain/project.ts';
import type { AppContext } from './app-context.ts';

/**
 * The regionalized private endpoint setting. Atlas refuses to turn it off while private endpoints
 * exist in more than one region (their connection strings depend on it).
 */
export async function setRegionalMode(ctx: AppContext, project: Project, enabled: boolean): Promise<boolean> {
  if (!enabled && project.regionalModeEnabled) {
    const regions = new Set<string>();
    for (const provider of CLOUD_PROVIDERS) {
      for (const s of await ctx.store.listEndpointServices(project.id, provider)) {
        if (s.endpointIds.length > 0) regions.add(`${provider}:${s.region}`);
      }
    }
    if (regions.size > 1) throw atlasError('MULTIPLE_PRIVATE_ENDPOINTS_RESTRICTED_TO_SINGLE_REGION');
  }
  await ctx.store.setRegionalMode(project.id, enabled);
  return enabled;
}
