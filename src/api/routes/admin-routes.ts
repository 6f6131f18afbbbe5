import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseTimeScale, type SimulationControl } from '../../app/simulation.ts';
import { atlasError } from '../../domain/errors.ts';
import { isObjectId } from '../../domain/ids.ts';
import { sendAtlas } from '../render.ts';

export interface AdminDeps {
  simulation: SimulationControl;
}

function requireOrgOwner(request: FastifyRequest): void {
  if (!request.atlas.principal?.orgRoles.includes('ORG_OWNER')) throw atlasError('USER_UNAUTHORIZED');
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw atlasError('INVALID_JSON');
  return body as Record<string, unknown>;
}

/**
 * linkplane's own admin API (not Atlas's): the simulated cloud's fault rules and time scale, for
 * ORG_OWNER keys, with the same digest authentication and error bodies as the Atlas routes.
 */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const sim = deps.simulation;
  const config = { access: { on: 'caller' as const } };
  const base = '/api/linkplane/v1/sim';
  app.get(`${base}/faults`, { config }, async (req, reply) => {
    requireOrgOwner(req);
    await sim.refresh(true);
    return sendAtlas(req, reply, 200, { results: sim.faults, totalCount: sim.faults.length });
  });
  app.post(`${base}/faults`, { config }, async (req, reply) => {
    requireOrgOwner(req);
    return sendAtlas(req, reply, 201, await sim.addFault(objectBody(req.body)));
  });
  app.delete(`${base}/faults`, { config }, async (req, reply) => {
    requireOrgOwner(req);
    return sendAtlas(req, reply, 200, { deleted: await sim.clearFaults() });
  });
  app.delete<{ Params: { id: string } }>(`${base}/faults/:id`, { config }, async (req, reply) => {
    requireOrgOwner(req);
    if (!isObjectId(req.params.id)) throw atlasError('FAULT_RULE_NOT_FOUND', req.params.id);
    await sim.deleteFault(req.params.id);
    return sendAtlas(req, reply, 204, undefined);
  });
  app.get(`${base}/settings`, { config }, async (req, reply) => {
    requireOrgOwner(req);
    await sim.refresh(true);
    return sendAtlas(req, reply, 200, { timeScale: sim.timeScale });
  });
  app.patch(`${base}/settings`, { config }, async (req, reply) => {
    requireOrgOwner(req);
    await sim.setTimeScale(parseTimeScale(req.body));
    return sendAtlas(req, reply, 200, { timeScale: sim.timeScale });
  });
}
