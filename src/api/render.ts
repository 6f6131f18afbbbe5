import type { FastifyReply, FastifyRequest } from 'fastify';
import { AtlasError } from '../domain/errors.ts';
import { prettyJson } from './pretty-json.ts';

export const V2_MEDIA_TYPE = 'application/vnd.atlas.2023-01-01+json;charset=utf-8';
const JSON_TYPE = 'application/json';

/**
 * The one place that writes response bodies: success and error alike. It applies `envelope`
 * (HTTP 200 with `{content, status}`, or `status` beside `results` for paginated lists),
 * `pretty` (Atlas's Jackson style), the tree's media type and the rate-limit headers.
 */
export function sendAtlas(request: FastifyRequest, reply: FastifyReply, status: number, body: unknown, isError = false): FastifyReply {
  const state = request.atlas;
  let payload: unknown = body;
  let code = status;
  if (state?.envelope) {
    code = 200;
    if (!isError && isPaginated(body)) {
      const { links, results, totalCount } = body;
      payload = totalCount === undefined ? { links, results, status } : { links, results, status, totalCount };
    } else if (body !== undefined) {
      payload = { content: body, status };
    } else {
      payload = undefined;
    }
  }
  if (state?.rateLimit) {
    reply.header('Ratelimit-Limit', state.rateLimit.limit);
    reply.header('Ratelimit-Remaining', state.rateLimit.remaining);
  }
  const type = !isError && state?.tree === 'v2' ? V2_MEDIA_TYPE : JSON_TYPE;
  if (code === 204) return reply.code(204).send();
  if (payload === undefined) payload = { status };
  const text = state?.pretty ? prettyJson(payload) : JSON.stringify(payload);
  // A Buffer keeps the Content-Type exactly as set: Fastify would append `; charset=utf-8` to a string.
  return reply.code(code).header('Content-Type', type).send(Buffer.from(text, 'utf8'));
}

export function sendError(request: FastifyRequest, reply: FastifyReply, err: AtlasError): FastifyReply {
  reply.header('X-Error-Code', err.errorCode);
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  return sendAtlas(request, reply, err.status, err.toBody(), true);
}

interface PaginatedBody {
  links: unknown[];
  results: unknown[];
  totalCount?: number;
}

function isPaginated(body: unknown): body is PaginatedBody {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'results' in body && 'links' in body;
}
