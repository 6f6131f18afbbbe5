import type { FastifyInstance } from 'fastify';
import { AtlasError, atlasError } from '../../domain/errors.ts';

/** Every resource here exists in exactly one version. */
export const RESOURCE_VERSION = '2023-01-01';
const VERSIONED = /^application\/vnd\.atlas\.(\d{4})-(\d{2})-(\d{2})\+json$/;

/**
 * Resolves a v2 `Accept` header to the resource version it asks for: the newest version not after
 * the requested date. Missing, malformed or earlier than 2023-01-01: 406 INVALID_VERSION_DATE.
 * Several media ranges may be listed; the first versioned one that resolves wins.
 */
export function negotiateVersion(accept: string | undefined): string {
  if (!accept) throw atlasError('INVALID_VERSION_DATE');
  if (accept === LAST_ACCEPTED) return RESOURCE_VERSION;
  const version = resolveVersion(accept);
  LAST_ACCEPTED = accept;
  return version;
}

/** Clients send the same Accept header on every request: remember the last one that resolved. */
let LAST_ACCEPTED = '';

function resolveVersion(accept: string): string {
  for (const part of accept.split(',')) {
    const type = part.split(';')[0].trim().toLowerCase();
    const m = VERSIONED.exec(type);
    if (!m) continue;
    const date = `${m[1]}-${m[2]}-${m[3]}`;
    const parsed = new Date(`${date}T00:00:00Z`);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) continue;
    if (date >= RESOURCE_VERSION) return RESOURCE_VERSION;
  }
  throw atlasError('INVALID_VERSION_DATE');
}

/** A NUL character, raw or escaped: no Atlas attribute holds one, and PostgreSQL text cannot store it. */
const NUL = /\u0000|\\u0000/i;

/**
 * Bodies are JSON whatever their declared type (`application/json`, the versioned Atlas type, or a
 * client that forgot the header): the route's schema decides what is acceptable. Malformed JSON is
 * 400 INVALID_JSON; an empty body is no body.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    if (NUL.test(text)) return done(atlasError('INVALID_JSON') as AtlasError & Error, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(atlasError('INVALID_JSON') as AtlasError & Error, undefined);
    }
  });
}
