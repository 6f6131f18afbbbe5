import { V2_ACCEPT, paths } from './atlas-client.ts';
import { DigestSession, headerOf, type DigestKey } from './digest.ts';
import type { ClientScript, NextRequest } from './load.ts';

/** Builds a request with the session's digest header (none before the first challenge). */
function signed(s: DigestSession, method: string, path: string, body?: unknown): NextRequest {
  const headers: Record<string, string> = { Accept: V2_ACCEPT };
  const auth = s.authorization(method, path);
  if (auth) headers.Authorization = auth;
  if (body === undefined) return { method, path, headers };
  headers['Content-Type'] = 'application/json';
  return { method, path, headers, body: JSON.stringify(body) };
}

/** True (after taking the new nonce) when the response was a digest challenge. */
function challenged(s: DigestSession, status: number, headers: Record<string, string | string[]>): boolean {
  return status === 401 && s.accept(headerOf(headers, 'www-authenticate'));
}

/** The same digest-authenticated request over and over (one challenge per connection). */
export function digestRequest(key: DigestKey, method: string, path: string, body?: () => unknown): () => ClientScript {
  return () => {
    const s = new DigestSession(key);
    return {
      next: () => signed(s, method, path, body?.()),
      onResponse: (status, _b, headers) => void challenged(s, status, headers),
    };
  };
}

/** POST create-endpoint with a fresh `vpce-…` id each time. */
export function createEndpointScript(key: DigestKey, groupId: string, serviceId: string, nextId: () => string): () => ClientScript {
  return digestRequest(key, 'POST', paths.endpoints(groupId, serviceId), () => ({ id: nextId() }));
}

type Step =
  | 'createService'
  | 'findService'
  | 'pollService'
  | 'createEndpoint'
  | 'pollEndpoint'
  | 'deleteEndpoint'
  | 'pollEndpointGone'
  | 'deleteService'
  | 'pollServiceGone';

/**
 * What Terraform does for one `mongodbatlas_privatelink_endpoint` + `…_service` pair, in a loop:
 * create service, poll until AVAILABLE, create endpoint, poll until AVAILABLE, delete endpoint, poll
 * until 404, delete service, poll until 404. Polls are back-to-back (no think time), so this measures
 * the server, not Terraform's back-off. Each connection owns one project so regions never collide.
 */
export function terraformScript(key: DigestKey, groupIds: string[], nextId: () => string, counters: Record<string, number>): () => ClientScript {
  let clientIndex = 0;
  for (const k of ['workflows', 'polls', 'writes', 'unexpectedSteps']) counters[k] ??= 0;
  return () => {
    const groupId = groupIds[clientIndex++ % groupIds.length];
    const s = new DigestSession(key);
    let step: Step = 'findService';
    let serviceId = '';
    let endpointId = '';
    let sent: Step = step;
    return {
      next: () => {
        sent = step;
        switch (step) {
          case 'createService':
            return signed(s, 'POST', paths.services(groupId), { providerName: 'AWS', region: 'US_EAST_1' });
          case 'findService':
            return signed(s, 'GET', paths.serviceList(groupId));
          case 'pollService':
          case 'pollServiceGone':
            return signed(s, 'GET', paths.service(groupId, serviceId));
          case 'createEndpoint':
            endpointId = nextId();
            return signed(s, 'POST', paths.endpoints(groupId, serviceId), { id: endpointId });
          case 'pollEndpoint':
          case 'pollEndpointGone':
            return signed(s, 'GET', paths.endpoint(groupId, serviceId, endpointId));
          case 'deleteEndpoint':
            return signed(s, 'DELETE', paths.endpoint(groupId, serviceId, endpointId));
          case 'deleteService':
            return signed(s, 'DELETE', paths.service(groupId, serviceId));
        }
      },
      onResponse: (status, raw, headers) => {
        if (challenged(s, status, headers)) return;
        if (sent !== step) return; // a response to a request re-sent after a reconnect
        const body = () => {
          try {
            return JSON.parse(raw);
          } catch {
            return undefined;
          }
        };
        const unexpected = () => {
          counters.unexpectedSteps++;
          step = 'findService';
        };
        switch (step) {
          case 'createService':
            counters.writes++;
            if (status === 201) {
              serviceId = body()?.id;
              step = 'pollService';
            } else unexpected();
            break;
          case 'findService': {
            // Start (or recover) from whatever this project holds: delete it all, then loop.
            const list = status === 200 ? (body() as { id: string; status: string; interfaceEndpoints?: string[] }[] | undefined) : undefined;
            if (!list) return unexpected();
            const svc = list[0];
            if (!svc) step = 'createService';
            else {
              serviceId = svc.id;
              if (svc.interfaceEndpoints?.length) {
                endpointId = svc.interfaceEndpoints[0];
                step = 'deleteEndpoint';
              } else step = svc.status === 'DELETING' ? 'pollServiceGone' : 'deleteService';
            }
            break;
          }
          case 'pollService':
            counters.polls++;
            if (status === 200) {
              if (body()?.status === 'AVAILABLE') step = 'createEndpoint';
            } else unexpected();
            break;
          case 'createEndpoint':
            counters.writes++;
            if (status === 201 || status === 409) step = 'pollEndpoint';
            else unexpected();
            break;
          case 'pollEndpoint':
            counters.polls++;
            if (status === 200) {
              const b = body();
              if ((b?.connectionStatus ?? b?.status) === 'AVAILABLE') step = 'deleteEndpoint';
            } else unexpected();
            break;
          case 'deleteEndpoint':
            counters.writes++;
            if (status === 202 || status === 404) step = 'pollEndpointGone';
            else unexpected();
            break;
          case 'pollEndpointGone':
            counters.polls++;
            if (status === 404) step = 'deleteService';
            else if (status !== 200) unexpected();
            break;
          case 'deleteService':
            counters.writes++;
            if (status === 202) step = 'pollServiceGone';
            else if (status === 409) step = 'findService'; // an endpoint is still there: start over
            else unexpected();
            break;
          case 'pollServiceGone':
            counters.polls++;
            if (status === 404) {
              counters.workflows++;
              step = 'createService';
            } else if (status !== 200) unexpected();
            break;
        }
      },
    };
  };
}
