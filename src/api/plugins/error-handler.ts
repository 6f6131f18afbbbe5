import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AtlasError } from '../../domain/errors.ts';
import { sendError } from '../render.ts';

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  data?: unknown;
}

function attributeOf(instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) if (!/^\d+$/.test(parts[i])) return parts[i];
  return parts.join('.');
}

/** Maps a body-schema violation to the Atlas code a client would get for it. */
export function validationToAtlas(errors: AjvError[]): AtlasError {
  const e = errors[0];
  if (!e) return new AtlasError('INVALID_JSON');
  switch (e.keyword) {
    case 'required':
      return new AtlasError('MISSING_ATTRIBUTE', [String(e.params.missingProperty)]);
    case 'additionalProperties':
      return new AtlasError('INVALID_ATTRIBUTE', [String(e.params.additionalProperty)]);
    case 'enum':
      return new AtlasError('INVALID_ENUM_VALUE', [typeof e.data === 'string' ? e.data : JSON.stringify(e.data)]);
    default:
      if (e.instancePath === '') return new AtlasError('INVALID_JSON');
      return new AtlasError('INVALID_JSON_ATTRIBUTE', [attributeOf(e.instancePath)]);
  }
}

/** Turns anything thrown while handling a request into an Atlas error; unknown failures are logged. */
export function toAtlasError(request: FastifyRequest, err: unknown): AtlasError {
  if (err instanceof AtlasError) return err;
  const fe = err as FastifyError & { validation?: AjvError[] };
  if (fe.validation) return validationToAtlas(fe.validation);
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AtlasError('REQUEST_TOO_LARGE', [1024 * 1024]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AtlasError('INVALID_JSON');
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return new AtlasError('PATH_PARAM_PARSE_ERROR', [request.url.split('?')[0]]);
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AtlasError('INVALID_JSON');
  }
  request.log.error({ err }, 'unexpected error');
  return new AtlasError('UNEXPECTED_ERROR');
}

/** The one error renderer: handler errors, framework errors and unknown routes all end here. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply: FastifyReply) => sendError(request, reply, toAtlasError(request, err)));
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new AtlasError('RESOURCE_NOT_FOUND', [request.url.split('?')[0]])),
  );
}
