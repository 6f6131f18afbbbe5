import { isAtlasRegionName, isCloudProvider, toAtlasRegion } from '../domain/cloud-provider.ts';
import { atlasError } from '../domain/errors.ts';
import { FAULT_MATCH_KEYS, type FaultMatch, type FaultRule } from '../domain/fault-rule.ts';
import { newObjectId } from '../domain/ids.ts';
import type { Store } from '../store/store.ts';

const TIME_SCALE_KEY = 'sim.timeScale';

/**
 * The simulated cloud's knobs, shared by every node through the store: the time scale and the fault
 * rules. Each node keeps a copy refreshed at most every `refreshMs`, and at once after its own changes.
 */
export class SimulationControl {
  private scale: number;
  private rules: FaultRule[] = [];
  private loadedAt = -Infinity;

  constructor(
    private readonly store: Store,
    defaultTimeScale: number,
    private readonly now: () => number,
    private readonly refreshMs = 1000,
  ) {
    this.scale = defaultTimeScale;
  }

  /** Loads the shared state; the configured scale applies until someone changes it at run time. */
  async refresh(force = false): Promise<void> {
    if (!force && this.now() - this.loadedAt < this.refreshMs) return;
    const s = await this.store.getSetting(TIME_SCALE_KEY);
    if (s !== undefined) this.scale = Number(s);
    this.rules = await this.store.listFaultRules();
    this.loadedAt = this.now();
  }

  get timeScale(): number {
    return this.scale;
  }

  get faults(): readonly FaultRule[] {
    return this.rules;
  }

  async setTimeScale(value: number): Promise<void> {
    await this.store.setSetting(TIME_SCALE_KEY, String(value));
    this.scale = value;
  }

  async addFault(input: Record<string, unknown>): Promise<FaultRule> {
    const rule = parseFaultRule(input, newObjectId(this.now()), this.now());
    await this.store.insertFaultRule(rule);
    await this.refresh(true);
    return rule;
  }

  async deleteFault(id: string): Promise<void> {
    if (!(await this.store.deleteFaultRule(id))) throw atlasError('FAULT_RULE_NOT_FOUND', id);
    await this.refresh(true);
  }

  async clearFaults(): Promise<number> {
    const n = await this.store.clearFaultRules();
    await this.refresh(true);
    return n;
  }
}

/** Validates a fault rule body: provider, kind, match keys, and an outcome that fits the kind. */
export function parseFaultRule(input: Record<string, unknown>, id: string, now: number): FaultRule {
  for (const k of Object.keys(input)) {
    if (!['provider', 'kind', 'match', 'outcome', 'errorMessage'].includes(k)) throw atlasError('INVALID_ATTRIBUTE', k);
  }
  const { provider, kind, outcome } = input;
  if (provider === undefined) throw atlasError('MISSING_ATTRIBUTE', 'provider');
  if (!isCloudProvider(provider)) throw atlasError('INVALID_ENUM_VALUE', String(provider));
  if (kind === undefined) throw atlasError('MISSING_ATTRIBUTE', 'kind');
  if (kind !== 'endpointService' && kind !== 'endpoint') throw atlasError('INVALID_ENUM_VALUE', String(kind));
  if (outcome === undefined) throw atlasError('MISSING_ATTRIBUTE', 'outcome');
  if (outcome !== 'FAILED' && outcome !== 'REJECTED' && outcome !== 'STUCK') throw atlasError('INVALID_ENUM_VALUE', String(outcome));
  if (outcome === 'REJECTED' && !(kind === 'endpoint' && provider === 'AWS')) throw atlasError('INVALID_ATTRIBUTE', 'outcome');
  if (outcome === 'FAILED' && kind === 'endpoint' && provider === 'AWS') throw atlasError('INVALID_ATTRIBUTE', 'outcome');
  const errorMessage = input.errorMessage;
  if (errorMessage !== undefined && errorMessage !== null && (typeof errorMessage !== 'string' || errorMessage.length === 0 || errorMessage.length > 1000)) {
    throw atlasError('INVALID_JSON_ATTRIBUTE', 'errorMessage');
  }
  const rawMatch = input.match ?? {};
  if (typeof rawMatch !== 'object' || rawMatch === null || Array.isArray(rawMatch)) throw atlasError('INVALID_JSON_ATTRIBUTE', 'match');
  const match: FaultMatch = {};
  for (const [k, v] of Object.entries(rawMatch)) {
    if (!(FAULT_MATCH_KEYS as readonly string[]).includes(k)) throw atlasError('INVALID_ATTRIBUTE', `match.${k}`);
    if (typeof v !== 'string' || v.length === 0) throw atlasError('INVALID_JSON_ATTRIBUTE', `match.${k}`);
    if (k === 'region') {
      const region = toAtlasRegion(provider, v);
      if (!region || !isAtlasRegionName(provider, region)) throw atlasError('INVALID_REGION', v, provider);
      match.region = region;
    } else {
      match[k as keyof FaultMatch] = v;
    }
  }
  if (match.endpointId !== undefined && kind !== 'endpoint') throw atlasError('INVALID_ATTRIBUTE', 'match.endpointId');
  return { id, provider, kind, match, outcome, errorMessage: (errorMessage as string | undefined) ?? null, createdAt: now };
}

export function parseTimeScale(body: unknown): number {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw atlasError('INVALID_JSON');
  for (const k of Object.keys(body)) if (k !== 'timeScale') throw atlasError('INVALID_ATTRIBUTE', k);
  const v = (body as { timeScale?: unknown }).timeScale;
  if (v === undefined) throw atlasError('MISSING_ATTRIBUTE', 'timeScale');
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1000) throw atlasError('INVALID_JSON_ATTRIBUTE', 'timeScale');
  return v;
}
