import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  challengeHeader,
  parseDigestAuthorization,
  REALM,
  uriMatchesRequest,
  verifyResponse,
  type NonceService,
} from '../../auth/digest.ts';
import { cidrContains, clientAddress } from '../../domain/access-list.ts';
import { AtlasError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/roles.ts';
import type { Store } from '../../store/store.ts';
import type { AuthSubjects } from '../../app/auth-subjects.ts';
import type { ReplayCheck } from '../../app/replay-check.ts';
import { prettyJson } from '../pretty-json.ts';

/** The exact body real Atlas sends with its digest challenge (Jackson pretty style, no parameters). */
const CHALLENGE_BODY = Buffer.from(
  prettyJson({
    error: 401,
    reason: 'Unauthorized',
    detail: 'You are not authorized for this resource.',
    errorCode: 'UNEXPECTED_ERROR',
  }),
  'utf8',
);

export interface DigestAuthDeps {
  store: Store;
  subjects: AuthSubjects;
  nonces: NonceService;
  replay: ReplayCheck;
  now: () => number;
}

function challenge(reply: FastifyReply, nonces: NonceService, stale: boolean): FastifyReply {
  return reply
    .code(401)
    .header('WWW-Authenticate', challengeHeader(nonces.issue(), stale))
    .header('Content-Type', 'application/json')
    .send(CHALLENGE_BODY); // a Buffer, so Fastify does not append `; charset=utf-8`
}

/**
 * Authenticates a request as Atlas does, before its body is read: HTTP Digest with the API key's
 * public key as user name; anything short of a valid, fresh, unreplayed response gets the challenge
 * (`stale=true` when only the nonce expired). Then the key's IP access list, once it has entries,
 * must contain the caller's address (403 IP_ADDRESS_NOT_ON_ACCESS_LIST).
 * Returns the principal, or undefined after having answered the request.
 */
export async function authenticate(deps: DigestAuthDeps, request: FastifyRequest, reply: FastifyReply): Promise<Principal | undefined> {
  const header = request.headers.authorization;
  const creds = typeof header === 'string' ? parseDigestAuthorization(header) : null;
  if (!creds || creds.realm !== REALM || !uriMatchesRequest(creds.uri, request.url)) {
    challenge(reply, deps.nonces, false);
    return undefined;
  }
  const nonceState = deps.nonces.check(creds.nonce);
  if (nonceState === 'invalid') {
    challenge(reply, deps.nonces, false);
    return undefined;
  }
  const subject = await deps.subjects.get(creds.username);
  if (!subject || !verifyResponse(creds, request.method, subject.key.ha1)) {
    challenge(reply, deps.nonces, false);
    return undefined;
  }
  if (nonceState === 'stale') {
    challenge(reply, deps.nonces, true);
    return undefined;
  }
  if (!(await deps.replay.use(creds.nonce, creds.nc ?? ''))) {
    challenge(reply, deps.nonces, false);
    return undefined;
  }
  if (subject.accessList.length > 0) {
    const ip = clientAddress(request.ip);
    const entry = subject.accessList.find((e) => cidrContains(e.cidrBlock, ip));
    if (!entry) throw new AtlasError('IP_ADDRESS_NOT_ON_ACCESS_LIST', [ip]);
    await deps.store.recordAccessListUse(entry.keyId, entry.cidrBlock, ip, deps.now());
  }
  const { key } = subject;
  return { keyId: key.id, orgId: key.orgId, orgRoles: key.orgRoles, projectRoles: key.projectRoles };
}
