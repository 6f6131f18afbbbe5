import { maskPrivateKey, type ApiKeyWithGrants } from '../../domain/api-key.ts';
import { selfLink } from './links.ts';

type RoleAssignment = { orgId: string; roleName: string } | { groupId: string; roleName: string };

/**
 * `ApiKeyUserDetails`: the private key in clear only in the creation response (`privateKey` given),
 * masked as Atlas masks it everywhere else. Roles list the organization roles, then each project's.
 */
export function apiKeyView(base: string, prefix: string, key: ApiKeyWithGrants, privateKey?: string) {
  const roles: RoleAssignment[] = key.orgRoles.map((roleName) => ({ orgId: key.orgId, roleName }));
  for (const [groupId, names] of key.projectRoles) for (const roleName of names) roles.push({ groupId, roleName });
  return {
    desc: key.desc,
    id: key.id,
    links: [selfLink(base, `${prefix}/orgs/${key.orgId}/apiKeys/${key.id}`)],
    privateKey: privateKey ?? maskPrivateKey(key.privateKeyTail),
    publicKey: key.publicKey,
    roles,
  };
}
