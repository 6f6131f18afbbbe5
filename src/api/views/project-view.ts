import { isoSeconds } from '../../domain/ids.ts';
import type { Project } from '../../domain/project.ts';
import { relLinks, selfLink } from './links.ts';

const PROJECT_RELS = ['containers', 'clusters', 'databaseUsers', 'peers', 'processes', 'whitelist'] as const;

/** `Group` as Atlas sends it: alphabetical keys; list items carry only the self link. */
export function projectView(base: string, prefix: string, p: Project, full: boolean) {
  const path = `${prefix}/groups/${p.id}`;
  return {
    clusterCount: 0,
    created: isoSeconds(p.createdAt),
    id: p.id,
    links: full ? [selfLink(base, path), ...relLinks(base, path, PROJECT_RELS)] : [selfLink(base, path)],
    name: p.name,
    orgId: p.orgId,
    tags: p.tags,
    withDefaultAlertsSettings: p.withDefaultAlertsSettings,
  };
}
