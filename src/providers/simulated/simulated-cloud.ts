import { createHash } from 'node:crypto';
import { toNativeRegion } from '../../domain/cloud-provider.ts';
import { GCP_ATTACHMENT_COUNT, type EndpointService } from '../../domain/endpoint-service.ts';
import type { FaultRule } from '../../domain/fault-rule.ts';
import { nextObjectId } from '../../domain/ids.ts';
import { ENDPOINT_PATH } from '../../domain/lifecycle.ts';
import type { PrivateEndpoint } from '../../domain/private-endpoint.ts';
import type { CloudDriver, EndpointObservation, ServiceObservation } from '../driver.ts';
import {
  ENDPOINT_DELETE_S,
  ENDPOINT_STEP_S,
  GCP_ATTACHMENT_WINDOW_S,
  SERVICE_DELETE_S,
  SERVICE_READY_S,
  STUCK_RECHECK_MS,
} from './timings.ts';

/** Failure texts real Atlas uses, when a fault rule gives none. */
export const DEFAULT_ERRORS = {
  endpointService: 'Reason: No Capacity.',
  AWS: 'Verify endpoint ID and accepted regions, then retry your connection.',
  AZURE: 'Azure private endpoint connection failed. Verify the private endpoint resource ID and IP address, then retry.',
  GCP: 'GCP endpoint group verification failed. Verify the forwarding rules and their IP addresses, then retry.',
} as const;

export interface SimulationView {
  readonly timeScale: number;
  readonly faults: readonly FaultRule[];
}

/** Deterministic pseudo-random text from a seed, so a service's names never change between looks. */
function digest(seed: string, alphabet: string, length: number): string {
  let out = '';
  let block = 0;
  while (out.length < length) {
    const h = createHash('sha256').update(`${seed}:${block++}`).digest();
    for (const b of h) {
      if (out.length === length) break;
      out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

const HEX = '0123456789abcdef';
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

function uuid(seed: string): string {
  const h = digest(seed, HEX, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function attachmentName(s: EndpointService, index: number): string {
  const region = toNativeRegion('GCP', s.region) ?? s.region.toLowerCase();
  return `projects/p-${digest(`${s.projectId}:gcp`, ALNUM, 24)}/regions/${region}/serviceAttachments/sa-${region}-${s.projectId}-${index}`;
}

/** Order in which a GCP service's six attachments appear, fixed per service. */
function attachmentOrder(id: string): number[] {
  const order = [0, 1, 2, 3, 4, 5];
  const noise = digest(`${id}:order`, HEX, 12);
  for (let i = order.length - 1; i > 0; i--) {
    const j = parseInt(noise.slice(i * 2, i * 2 + 2), 16) % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function matches(rule: FaultRule, kind: FaultRule['kind'], s: { provider: string; projectId: string; region?: string; serviceId: string; endpointId?: string }): boolean {
  if (rule.kind !== kind || rule.provider !== s.provider) return false;
  const m = rule.match;
  return (
    (m.projectId === undefined || m.projectId === s.projectId) &&
    (m.region === undefined || m.region === s.region) &&
    (m.endpointServiceId === undefined || m.endpointServiceId === s.serviceId) &&
    (m.endpointId === undefined || m.endpointId === s.endpointId)
  );
}

/**
 * The default cloud driver: a simulated cloud whose answers depend only on the resource, the
 * clock, the time scale and the fault rules. Timings are the real medians times the scale; at
 * scale 0 every step is due at once, so the reconciler moves a resource one step per tick.
 */
export class SimulatedCloud implements CloudDriver {
  constructor(private readonly sim: SimulationView) {}

  private ms(seconds: number): number {
    return seconds * 1000 * this.sim.timeScale;
  }

  private serviceFault(s: EndpointService): FaultRule | undefined {
    return this.sim.faults.find((r) => matches(r, 'endpointService', { ...s, serviceId: s.id }));
  }

  async observeService(s: EndpointService, now: number): Promise<ServiceObservation> {
    if (s.status === 'DELETING') {
      const due = s.statusSince + this.ms(SERVICE_DELETE_S[s.provider]);
      return now >= due ? { state: 'gone' } : { state: 'deleting', lookAgainAt: due };
    }
    const fault = this.serviceFault(s);
    const ready = s.statusSince + this.ms(SERVICE_READY_S[s.provider]);
    if (fault?.outcome === 'STUCK') return { state: 'provisioning', serviceAttachmentNames: s.serviceAttachmentNames, lookAgainAt: now + STUCK_RECHECK_MS };
    if (now < ready) {
      if (s.provider !== 'GCP' || fault) return { state: 'provisioning', lookAgainAt: ready };
      const window = this.ms(GCP_ATTACHMENT_WINDOW_S);
      const step = window / GCP_ATTACHMENT_COUNT;
      const start = ready - window;
      const shown = now < start ? 0 : Math.min(GCP_ATTACHMENT_COUNT - 1, Math.floor((now - start) / step) + 1);
      const indices = attachmentOrder(s.id).slice(0, shown).sort((a, b) => a - b);
      // The next attachment appears at start + shown·step; after the fifth, the next event is AVAILABLE.
      const next = now < start ? start : shown >= GCP_ATTACHMENT_COUNT - 1 ? ready : Math.min(ready, start + shown * step);
      return { state: 'provisioning', serviceAttachmentNames: indices.map((i) => attachmentName(s, i)), lookAgainAt: next };
    }
    if (fault) return { state: 'failed', errorMessage: fault.errorMessage ?? DEFAULT_ERRORS.endpointService };
    switch (s.provider) {
      case 'AWS':
        return {
          state: 'ready',
          endpointServiceName: `com.amazonaws.vpce.${toNativeRegion('AWS', s.region) ?? s.region.toLowerCase()}.vpce-svc-${digest(s.id, HEX, 17)}`,
        };
      case 'AZURE': {
        const name = `pls_${s.id}`;
        return {
          state: 'ready',
          privateLinkServiceName: name,
          privateLinkServiceResourceId: `/subscriptions/${uuid(s.projectId)}/resourceGroups/rg_${nextObjectId(s.id)}_${digest(s.id, ALNUM, 8)}/providers/Microsoft.Network/privateLinkServices/${name}`,
        };
      }
      case 'GCP':
        return { state: 'ready', serviceAttachmentNames: Array.from({ length: GCP_ATTACHMENT_COUNT }, (_, i) => attachmentName(s, i)) };
    }
  }

  async observeEndpoint(e: PrivateEndpoint, now: number): Promise<EndpointObservation> {
    if (e.status === 'DELETING') {
      const due = e.statusSince + this.ms(ENDPOINT_DELETE_S);
      return now >= due ? { state: 'gone' } : { state: 'deleting', lookAgainAt: due };
    }
    const path = ENDPOINT_PATH[e.provider];
    const i = path.indexOf(e.status);
    const due = e.statusSince + this.ms(ENDPOINT_STEP_S[e.provider][i] ?? 0);
    const fault = this.sim.faults.find((r) => matches(r, 'endpoint', { ...e, serviceId: e.serviceId }));
    if (fault?.outcome === 'STUCK') return { state: 'progressing', status: e.status, lookAgainAt: now + STUCK_RECHECK_MS };
    if (now < due) return { state: 'progressing', status: e.status, lookAgainAt: due };
    if (fault) return { state: 'failed', errorMessage: fault.errorMessage ?? DEFAULT_ERRORS[e.provider] };
    const connectionName =
      e.provider === 'AZURE' ? `${uuid(e.endpointId)}%2F${e.endpointId.split('/')[4] ?? 'rg'}%2F${e.endpointId.split('/').pop()}` : undefined;
    const next = path[i + 1];
    if (next === undefined || next === 'AVAILABLE') return { state: 'ready', privateEndpointConnectionName: connectionName };
    return { state: 'progressing', status: next, lookAgainAt: now + this.ms(ENDPOINT_STEP_S[e.provider][i + 1] ?? 0) };
  }
}
