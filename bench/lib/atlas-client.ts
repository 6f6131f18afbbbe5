import { DigestSession, type DigestKey } from './digest.ts';

export const V2 = '/api/atlas/v2';
export const V2_ACCEPT = 'application/vnd.atlas.2023-01-01+json';

export interface ApiResponse {
  status: number;
  body: any;
}

/**
 * A small digest-authenticated Atlas client for setting scenarios up (node's built-in fetch): one
 * session, a new challenge only when the server asks again.
 */
export class AtlasClient {
  private readonly session: DigestSession;

  constructor(
    readonly baseUrl: string,
    key: DigestKey,
  ) {
    this.session = new DigestSession(key);
  }

  async call(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const headers: Record<string, string> = { Accept: V2_ACCEPT };
      const auth = this.session.authorization(method, path);
      if (auth) headers.Authorization = auth;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const r = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await r.text();
      if (r.status === 401 && attempt < 2 && this.session.accept(r.headers.get('www-authenticate') ?? undefined)) continue;
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: r.status, body: parsed };
    }
    throw new Error(`${method} ${path}: unreachable`);
  }

  /** Like `call`, but throws unless the status is one of `ok`. */
  async expect(method: string, path: string, ok: number[], body?: unknown): Promise<any> {
    const r = await this.call(method, path, body);
    if (!ok.includes(r.status)) throw new Error(`${method} ${path} -> ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  }

  /** Polls `path` until `done(body)` holds (or throws after `timeoutMs`). */
  async waitFor(path: string, done: (body: any) => boolean, timeoutMs = 30_000): Promise<any> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.call('GET', path);
      if (r.status === 200 && done(r.body)) return r.body;
      if (Date.now() > until) throw new Error(`timed out waiting on ${path}: last ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      await new Promise((res) => setTimeout(res, 20));
    }
  }
}

/** Paths of the private-endpoint resources. */
export const paths = {
  groups: () => `${V2}/groups`,
  services: (groupId: string) => `${V2}/groups/${groupId}/privateEndpoint/endpointService`,
  serviceList: (groupId: string, provider = 'AWS') => `${V2}/groups/${groupId}/privateEndpoint/${provider}/endpointService`,
  service: (groupId: string, serviceId: string, provider = 'AWS') =>
    `${V2}/groups/${groupId}/privateEndpoint/${provider}/endpointService/${serviceId}`,
  endpoints: (groupId: string, serviceId: string, provider = 'AWS') =>
    `${V2}/groups/${groupId}/privateEndpoint/${provider}/endpointService/${serviceId}/endpoint`,
  endpoint: (groupId: string, serviceId: string, endpointId: string, provider = 'AWS') =>
    `${V2}/groups/${groupId}/privateEndpoint/${provider}/endpointService/${serviceId}/endpoint/${endpointId}`,
  apiKeys: (orgId: string) => `${V2}/orgs/${orgId}/apiKeys`,
};

/** Creates a project and an AWS service in `region`, and waits until the service is AVAILABLE. */
export async function availableService(c: AtlasClient, orgId: string, name: string, region = 'US_EAST_1'): Promise<{ groupId: string; serviceId: string }> {
  const project = await c.expect('POST', paths.groups(), [200, 201], { name, orgId });
  const groupId = project.id as string;
  const svc = await c.expect('POST', paths.services(groupId), [201], { providerName: 'AWS', region });
  const serviceId = svc.id as string;
  await c.waitFor(paths.service(groupId, serviceId), (b) => b.status === 'AVAILABLE');
  return { groupId, serviceId };
}
