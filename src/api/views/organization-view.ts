import type { Organization } from '../../domain/organization.ts';
import { relLinks, selfLink } from './links.ts';

/** `AtlasOrganization` in Atlas's key order; list items carry only the self link. */
export function organizationView(base: string, prefix: string, org: Organization, full: boolean) {
  const path = `${prefix}/orgs/${org.id}`;
  const links = full ? [selfLink(base, path), ...relLinks(base, path, ['groups', 'teams', 'users'])] : [selfLink(base, path)];
  return { id: org.id, isDeleted: false, links, name: org.name, skipDefaultAlertsSettings: false };
}
