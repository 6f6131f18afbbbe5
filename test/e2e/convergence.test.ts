import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { Atlas, BOOT, show, UrllibTransport, type Resp } from '../interop/transports.ts';
import { startServer, tempDb, type ServerProcess } from '../support/process.ts';

/**
 * Scripted clients that poll like the real ones (ATLAS-API.md Part 3 §3-§4) converge on create and
 * delete for every provider, against a real `linkplane serve` whose simulated cloud takes time
 * (LINKPLANE_SIM_TIME_SCALE=0.002: an AWS service needs ~0.34 s, GCP ~0.55 s).
 *
 * The clients' cadence is scaled by K = 0.004, so Terraform's 5 s poll becomes 20 ms and the
 * operator's 10 s requeue 40 ms. Their hour-long timeouts are capped at a few seconds so that a
 * failure is quick.
 */

const K = 0.004;
const s = (seconds: number) => seconds * 1000 * K;
const SIM_TIME_SCALE = 0.002;
const WAIT_CAP_MS = 6000;

type Provider = 'AWS' | 'AZURE' | 'GCP';
const PROVIDERS: Provider[] = ['AWS', 'AZURE', 'GCP'];

/** What each client creates per provider: a region (Atlas form, the operator matches it string-equal) and one endpoint. */
const SPECS: Record<Provider, { region: string; endpointId: string; body: Record<string, unknown> }> = {
  AWS: { region: 'EU_WEST_1', endpointId: 'vpce-0123456789abcdef1', body: { id: 'vpce-0123456789abcdef1' } },
  AZURE: {
    region: 'EUROPE_NORTH',
    endpointId: '/subscriptions/0b3f1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/resourceGroups/rg-conv/providers/Microsoft.Network/privateEndpoints/pe-conv',
    body: {
      id: '/subscriptions/0b3f1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/resourceGroups/rg-conv/providers/Microsoft.Network/privateEndpoints/pe-conv',
      privateEndpointIPAddress: '10.1.0.4',
    },
  },
  GCP: {
    region: 'CENTRAL_US',
    endpointId: 'conv-group',
    body: {
      endpointGroupName: 'conv-group',
      gcpProjectId: 'customer-project-1',
      endpoints: [
        { endpointName: 'conv-group-0', ipAddress: '10.2.0.1' },
        { endpointName: 'conv-group-1', ipAddress: '10.2.0.2' },
      ],
    },
  },
};

/** Every status either client may legitimately see (the documented vocabularies). */
const KNOWN_STATUSES = new Set(['INITIATING', 'WAITING_FOR_USER', 'AVAILABLE', 'FAILED', 'DELETING', 'NONE', 'PENDING_ACCEPTANCE', 'PENDING', 'REJECTED', 'VERIFIED']);

let server: ServerProcess;
let cleanupDb: () => void;
let api: Atlas;
let org: string;

before(async () => {
  const t = tempDb();
  cleanupDb = t.cleanup;
  server = await startServer({ db: t.db, timeScale: SIM_TIME_SCALE, reconcileIntervalMs: 20 });
  api = new Atlas(new UrllibTransport(server.baseUrl), 'v2', BOOT);
  const r = await api.get('/orgs');
  assert.equal(r.status, 200, show(r));
  org = r.body.results[0].id;
});

after(async () => {
  await server?.stop();
  cleanupDb?.();
});

const ok2xx = (r: Resp) => r.status >= 200 && r.status < 300;
const interfaceState = (provider: Provider, body: { connectionStatus?: string; status?: string }) =>
  (provider === 'AWS' ? body.connectionStatus : body.status) ?? '';
const interfaceIds = (svc: Record<string, unknown>) => (svc.interfaceEndpoints ?? svc.privateEndpoints ?? svc.endpointGroupNames ?? []) as string[];

async function newProject(name: string): Promise<string> {
  const r = await api.post('/groups', { name, orgId: org });
  assert.equal(r.status, 201, show(r));
  return r.body.id;
}

// ---------------------------------------------------------------------------------------------
// Terraform: retry.StateChangeConf
// ---------------------------------------------------------------------------------------------

interface StateChangeConf {
  what: string;
  pending: string[];
  target: string[];
  /** Returns the current state; throwing aborts the wait, as a refresh error does in Terraform. */
  refresh: () => Promise<string>;
  delayMs: number;
  minTimeoutMs: number;
  timeoutMs: number;
}

/**
 * terraform-plugin-sdk's StateChangeConf.WaitForState: sleep Delay, refresh; a target state ends the
 * wait, a state in neither set aborts at once ("unexpected state"); otherwise wait, doubling from
 * 100 ms, clamped to [MinTimeout, 10 s] (all scaled by K), until Timeout.
 */
async function waitForState(c: StateChangeConf): Promise<{ state: string; trail: string[]; refreshes: number }> {
  const deadline = Date.now() + Math.min(c.timeoutMs, WAIT_CAP_MS);
  await sleep(c.delayMs);
  let wait = s(0.1);
  const trail: string[] = [];
  let refreshes = 0;
  for (;;) {
    const state = await c.refresh();
    refreshes++;
    if (trail[trail.length - 1] !== state) trail.push(state);
    if (c.target.includes(state)) return { state, trail, refreshes };
    if (!c.pending.includes(state)) {
      throw new Error(`${c.what}: unexpected state '${state}', wanted target '${c.target.join(', ')}' (trail ${trail.join(' → ')})`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${c.what}: timeout while waiting for state to become '${c.target.join(', ')}' (last state: '${state}')`);
    }
    wait *= 2;
    if (wait < c.minTimeoutMs) wait = c.minTimeoutMs;
    else if (wait > s(10)) wait = s(10);
    await sleep(wait);
  }
}

/** GET as a Terraform refresh function: 404 is DELETED, any other error aborts. */
function refreshBy(path: string, state: (body: any) => string): () => Promise<string> {
  return async () => {
    const r = await api.get(path);
    if (r.status === 404) return 'DELETED';
    if (!ok2xx(r)) throw new Error(`refresh GET ${path}: ${show(r)}`);
    const st = state(r.body);
    assert.ok(KNOWN_STATUSES.has(st), `unknown status in ${show(r)}`);
    return st;
  };
}

/** The clusters-IDLE wait Terraform runs after interface changes (no clusters here: done at once). */
async function waitClustersIdle(g: string): Promise<void> {
  const w = await waitForState({
    what: 'clusters IDLE',
    pending: ['PENDING', 'REPEATING'],
    target: ['IDLE', 'DELETED'],
    refresh: async () => {
      const r = await api.get(`/groups/${g}/clusters`);
      if (r.status === 404) return 'DELETED';
      if (r.status === 503) return 'PENDING';
      assert.equal(r.status, 200, show(r));
      return (r.body.results as { stateName: string }[]).every((c) => c.stateName === 'IDLE') ? 'IDLE' : 'PENDING';
    },
    delayMs: s(1),
    minTimeoutMs: s(10),
    timeoutMs: s(3 * 3600),
  });
  assert.equal(w.state, 'IDLE');
}

/** `terraform apply` then `terraform destroy` of mongodbatlas_privatelink_endpoint + …_endpoint_service. */
async function terraform(provider: Provider, g: string): Promise<void> {
  const spec = SPECS[provider];
  const pe = `/groups/${g}/privateEndpoint`;

  // mongodbatlas_privatelink_endpoint: create
  const created = await api.post(`${pe}/endpointService`, { providerName: provider, region: spec.region });
  assert.ok(ok2xx(created), show(created));
  const id = created.body.id as string;
  const svcPath = `${pe}/${provider}/endpointService/${id}`;
  const svcCreate = await waitForState({
    what: `${provider} service create`,
    pending: ['INITIATING', 'DELETING'],
    target: ['WAITING_FOR_USER', 'FAILED', 'DELETED', 'AVAILABLE'],
    refresh: refreshBy(svcPath, (b) => b.status),
    delayMs: s(5),
    minTimeoutMs: s(5),
    timeoutMs: s(3600),
  });
  assert.equal(svcCreate.state, 'AVAILABLE');
  assert.deepEqual(svcCreate.trail, svcCreate.trail.length === 1 ? ['AVAILABLE'] : ['INITIATING', 'AVAILABLE']);
  // Read: a non-empty errorMessage would fail the apply
  const read = await api.get(svcPath);
  assert.equal(read.status, 200, show(read));
  assert.equal(read.body.errorMessage, null);
  assert.equal(read.body.regionName, spec.region);
  // terraform import reads through the v1.0 client
  const imported = await api.transport.call('GET', `/api/atlas/v1.0${svcPath}`, { creds: BOOT, headers: { Accept: 'application/json' } });
  assert.equal(imported.status, 200, show(imported));
  assert.equal(imported.body.id, id);

  // mongodbatlas_privatelink_endpoint_service: create (the response body is ignored)
  const epPath = `${svcPath}/endpoint/${encodeURIComponent(spec.endpointId)}`;
  const posted = await api.post(`${svcPath}/endpoint`, spec.body);
  assert.ok(ok2xx(posted), show(posted));
  const epCreate = await waitForState({
    what: `${provider} interface create`,
    pending: ['NONE', 'INITIATING', 'PENDING_ACCEPTANCE', 'PENDING', 'DELETING', 'VERIFIED'],
    target: ['AVAILABLE', 'REJECTED', 'DELETED', 'FAILED'],
    refresh: refreshBy(epPath, (b) => interfaceState(provider, b)),
    delayMs: s(10),
    minTimeoutMs: s(10),
    timeoutMs: s(2 * 3600),
  });
  assert.equal(epCreate.state, 'AVAILABLE', `trail ${epCreate.trail.join(' → ')}`);
  await waitClustersIdle(g);
  const epRead = await api.get(epPath);
  assert.equal(epRead.status, 200, show(epRead));
  assert.equal(epRead.body.errorMessage, null);
  assert.equal(epRead.body.deleteRequested, false);
  if (provider === 'GCP') {
    assert.equal(epRead.body.portMappingEnabled, false);
    assert.deepEqual(
      epRead.body.endpoints.map((e: { status: string }) => e.status),
      ['AVAILABLE', 'AVAILABLE'],
    );
  }

  // destroy: the interface first (any DELETE error is fatal), then the service
  const epDelete = await api.delete(epPath);
  assert.ok(ok2xx(epDelete), show(epDelete));
  const epGone = await waitForState({
    what: `${provider} interface delete`,
    pending: ['NONE', 'PENDING_ACCEPTANCE', 'PENDING', 'DELETING', 'INITIATING'],
    target: ['REJECTED', 'DELETED', 'FAILED'],
    refresh: refreshBy(epPath, (b) => interfaceState(provider, b)),
    delayMs: s(10),
    minTimeoutMs: s(10),
    timeoutMs: s(2 * 3600),
  });
  assert.equal(epGone.state, 'DELETED');
  assert.ok(epGone.trail.every((st) => st === 'DELETING' || st === 'DELETED'), epGone.trail.join(' → '));
  await waitClustersIdle(g);

  const svcDelete = await api.delete(svcPath);
  assert.ok(ok2xx(svcDelete) || svcDelete.status === 404, show(svcDelete));
  // GET right after DELETE must say DELETING or 404: AVAILABLE would abort the destroy
  const right = await refreshBy(svcPath, (b) => b.status)();
  assert.ok(right === 'DELETING' || right === 'DELETED', right);
  const svcGone = await waitForState({
    what: `${provider} service delete`,
    pending: ['DELETING'],
    target: ['DELETED', 'FAILED'],
    refresh: refreshBy(svcPath, (b) => b.status),
    delayMs: s(5),
    minTimeoutMs: s(5),
    timeoutMs: s(3600),
  });
  assert.equal(svcGone.state, 'DELETED');
  // CheckDestroy
  assert.equal((await api.get(svcPath)).status, 404);
}

// ---------------------------------------------------------------------------------------------
// Kubernetes operator: AtlasPrivateEndpoint reconcile loop
// ---------------------------------------------------------------------------------------------

type Outcome = 'ready' | 'inProgress' | 'deleted';

class Terminated extends Error {}

/** One AtlasPrivateEndpoint custom resource and the operator's reconcile of it. */
class PrivateEndpointCR {
  serviceId: string | undefined;
  deleting = false;
  readonly seen = new Set<string>();
  posts = 0;

  constructor(
    readonly provider: Provider,
    readonly groupId: string,
    readonly endpointIds: string[],
  ) {}

  private get pe() {
    return `/groups/${this.groupId}/privateEndpoint`;
  }

  private svcPath(id: string) {
    return `${this.pe}/${this.provider}/endpointService/${id}`;
  }

  private epPath(serviceId: string, endpointId: string) {
    return `${this.svcPath(serviceId)}/endpoint/${encodeURIComponent(endpointId)}`;
  }

  private note(status: string): string {
    assert.ok(KNOWN_STATUSES.has(status), `operator saw unknown status '${status}'`);
    this.seen.add(status);
    return status;
  }

  private static notFound(r: Resp): boolean {
    return r.body?.errorCode === 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND';
  }

  async reconcile(): Promise<Outcome> {
    // 1. find the service: by id once known, else LIST and match regionName string-equal
    let svc: Record<string, any> | undefined;
    if (this.serviceId) {
      const r = await api.get(this.svcPath(this.serviceId));
      if (r.status === 200) svc = r.body;
      else if (!PrivateEndpointCR.notFound(r)) throw new Terminated(`GET service: ${show(r)}`);
    } else {
      const r = await api.get(`${this.pe}/${this.provider}/endpointService`);
      if (r.status !== 200) throw new Terminated(`LIST services: ${show(r)}`);
      assert.ok(Array.isArray(r.body), show(r));
      svc = (r.body as Record<string, any>[]).find((x) => x.regionName === SPECS[this.provider].region);
    }
    // …and every interface it lists, by id; PRIVATE_ENDPOINT_SERVICE_NOT_FOUND means skip it
    const interfaces: { id: string; status: string; body: Record<string, any> }[] = [];
    if (svc) {
      for (const id of interfaceIds(svc)) {
        const r = await api.get(this.epPath(svc.id, id));
        if (r.status === 200) {
          if (r.body.cloudProvider !== this.provider) continue; // the operator maps on cloudProvider
          interfaces.push({ id, status: this.note(interfaceState(this.provider, r.body)), body: r.body });
        } else if (!PrivateEndpointCR.notFound(r)) {
          throw new Terminated(`GET interface ${id}: ${show(r)}`);
        }
      }
    }

    // 2./3. absent or being deleted
    if (!svc) {
      if (this.deleting) return 'deleted';
      const r = await api.post(`${this.pe}/endpointService`, { providerName: this.provider, region: SPECS[this.provider].region });
      if (!ok2xx(r)) throw new Terminated(`POST service: ${show(r)}`);
      this.posts++;
      this.serviceId = r.body.id;
      return this.evaluateService(r.body);
    }
    this.serviceId = svc.id;
    if (this.deleting) {
      if (interfaces.length === 0 && svc.status !== 'DELETING') {
        const r = await api.delete(this.svcPath(svc.id));
        if (!ok2xx(r)) throw new Terminated(`DELETE service: ${show(r)}`);
      }
      for (const i of interfaces) {
        if (i.status === 'DELETING') continue;
        const r = await api.delete(this.epPath(svc.id, i.id));
        if (!ok2xx(r)) throw new Terminated(`DELETE interface: ${show(r)}`);
      }
      const again = await api.get(this.svcPath(svc.id));
      if (again.status === 200) this.note(again.body.status);
      else if (!PrivateEndpointCR.notFound(again)) throw new Terminated(`GET service: ${show(again)}`);
      return 'inProgress';
    }

    // 4. the service's status
    const serviceOutcome = this.evaluateService(svc);
    if (serviceOutcome !== 'ready') return serviceOutcome;

    // 5. interfaces: failed terminates, in progress waits, missing ones are created, extra ones deleted
    let inProgress = false;
    for (const i of interfaces) {
      if (i.status === 'FAILED' || i.status === 'REJECTED') throw new Terminated(`interface ${i.id} ${i.status}: ${i.body.errorMessage}`);
      if (['INITIATING', 'PENDING', 'PENDING_ACCEPTANCE', 'WAITING_FOR_USER', 'VERIFIED', 'DELETING'].includes(i.status)) inProgress = true;
      if (!this.endpointIds.includes(i.id)) {
        const r = await api.delete(this.epPath(svc.id, i.id));
        if (!ok2xx(r)) throw new Terminated(`DELETE interface: ${show(r)}`);
        inProgress = true;
      }
    }
    for (const id of this.endpointIds) {
      if (interfaces.some((i) => i.id === id)) continue;
      const r = await api.post(`${this.svcPath(svc.id)}/endpoint`, SPECS[this.provider].body);
      if (!ok2xx(r)) throw new Terminated(`POST interface: ${show(r)}`);
      inProgress = true;
    }
    if (inProgress) return 'inProgress';
    const allAvailable = interfaces.every(
      (i) => i.status === 'AVAILABLE' && (this.provider !== 'GCP' || (i.body.endpoints as { status: string }[]).every((e) => e.status === 'AVAILABLE')),
    );
    return allAvailable ? 'ready' : 'inProgress';
  }

  private evaluateService(svc: Record<string, any>): Outcome | 'ready' {
    const status = this.note(svc.status);
    switch (status) {
      case 'INITIATING':
      case 'PENDING':
      case 'PENDING_ACCEPTANCE':
      case 'WAITING_FOR_USER':
      case 'VERIFIED':
      case 'DELETING':
        return 'inProgress';
      case 'FAILED':
      case 'REJECTED':
        throw new Terminated(`service ${status}: ${svc.errorMessage}`);
      default:
        return 'ready';
    }
  }
}

/** Reconciles until `want`, requeueing in-progress results after 10 s (scaled). */
async function runOperator(cr: PrivateEndpointCR, want: Outcome): Promise<number> {
  const deadline = Date.now() + WAIT_CAP_MS;
  let passes = 0;
  for (;;) {
    const outcome = await cr.reconcile();
    passes++;
    if (outcome === want) return passes;
    assert.equal(outcome, 'inProgress', `unexpected outcome ${outcome} while waiting for ${want}`);
    if (Date.now() > deadline) throw new Error(`operator did not reach ${want} within ${WAIT_CAP_MS} ms (${passes} passes)`);
    await sleep(s(10));
  }
}

// ---------------------------------------------------------------------------------------------

describe('Terraform StateChangeConf waiters converge', { concurrency: true }, () => {
  let g: string;
  before(async () => {
    g = await newProject('convergence-terraform');
  });
  for (const provider of PROVIDERS) {
    test(`${provider}: apply then destroy`, { timeout: 20_000 }, () => terraform(provider, g));
  }
});

describe('Kubernetes operator reconcile loop converges', { concurrency: true }, () => {
  let g: string;
  before(async () => {
    g = await newProject('convergence-operator');
  });
  for (const provider of PROVIDERS) {
    test(`${provider}: create, then delete through the finalizer`, { timeout: 20_000 }, async () => {
      const cr = new PrivateEndpointCR(provider, g, [SPECS[provider].endpointId]);
      const toReady = await runOperator(cr, 'ready');
      assert.ok(toReady >= 2, 'creation takes more than one pass at this time scale');
      assert.equal(cr.posts, 1, 'the service is created once, then found by id');
      assert.ok(cr.seen.has('INITIATING') && cr.seen.has('AVAILABLE'), [...cr.seen].join(','));

      // a fresh operator (no status.serviceId) finds the same service by LIST + regionName and is ready at once
      const restarted = new PrivateEndpointCR(provider, g, [SPECS[provider].endpointId]);
      assert.equal(await restarted.reconcile(), 'ready');
      assert.equal(restarted.serviceId, cr.serviceId);
      assert.equal(restarted.posts, 0);

      cr.deleting = true;
      await runOperator(cr, 'deleted');
      assert.ok(cr.seen.has('DELETING'), [...cr.seen].join(','));
      const gone = await api.get(`/groups/${g}/privateEndpoint/${provider}/endpointService/${cr.serviceId}`);
      assert.equal(gone.status, 404, show(gone));
      assert.equal(gone.body.errorCode, 'PRIVATE_ENDPOINT_SERVICE_NOT_FOUND');
    });
  }
});

test('after both clients converged on delete, every list is empty and the projects can close', async () => {
  const groups = await api.get('/groups');
  assert.equal(groups.status, 200, show(groups));
  for (const p of groups.body.results as { id: string }[]) {
    for (const provider of PROVIDERS) {
      const r = await api.get(`/groups/${p.id}/privateEndpoint/${provider}/endpointService`);
      assert.equal(r.status, 200, show(r));
      assert.deepEqual(r.body, []);
    }
    const closed = await api.delete(`/groups/${p.id}`);
    assert.equal(closed.status, 202, show(closed));
  }
  assert.equal(groups.body.results.length, 2);
});
