import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/**
 * Validates response bodies against the official Atlas OpenAPI documents kept in `shared/reference/`
 * (v2 and the reconstructed v1.0 subset), so tests can tell "we differ from the spec" apart from
 * "we differ from recorded Atlas".
 *
 * OpenAPI 3.0 is turned into draft-07 JSON Schema before ajv sees it: `nullable` becomes a `null` type,
 * `discriminator` mappings become `if`/`then` dispatch on the discriminator property (mapping targets that
 * `allOf` their own parent get the parent without its dispatch, which would otherwise recurse forever),
 * siblings of `$ref` are dropped, and `required` entries naming `writeOnly` properties are dropped because
 * only responses are validated.
 */

/** Which document: `v2` (`/api/atlas/v2`, authoritative) or `v1` (`/api/atlas/v1.0`, reconstructed). */
export type SpecVersion = 'v2' | 'v1';

/** One operation of a document. `statuses` are the declared response keys (`'200'`, `'404'`, `'default'`…). */
export interface OperationInfo {
  method: string;
  path: string;
  operationId: string | undefined;
  statuses: string[];
}

/**
 * Outcome of one validation. `errors` are `<instance path> <message> (got <value>)` lines.
 * When the status is not declared by the operation, `fellBackFrom` holds it and `usedStatus` the declared
 * response used instead (success statuses prefer 200, 201, then any 2xx; errors prefer the same class).
 */
export interface ValidationResult {
  ok: boolean;
  errors: string[];
  fellBackFrom?: number;
  usedStatus?: string;
}

/**
 * `acceptNullForOptional`: also accept `null` for every property an object schema does not list as
 * required. Atlas serialises unset fields as explicit nulls (`errorMessage`, `endpointServiceName`…)
 * although the spec types them as non-nullable strings; this mode still checks everything else.
 */
export interface ValidateOptions {
  acceptNullForOptional?: boolean;
}

/** A concrete request path resolved to an operation, with the decoded path parameters. */
export interface OperationMatch {
  operation: OperationInfo;
  params: Record<string, string>;
}

/** Compiled view of one OpenAPI document; compiled validators are cached per operation and status. */
export interface OpenApiValidator {
  readonly which: SpecVersion;
  /** The parsed document as read from disk (not the rewritten schemas). */
  readonly document: Record<string, unknown>;
  /**
   * Validates `body` as the response of `method pathTemplate` with HTTP `status`; `pathTemplate` is the
   * document's path key. Unknown operations throw (a typo must not look like a spec divergence).
   * A response declared without a schema (204) accepts only an absent body (`undefined`, `null`, `''`).
   */
  validateResponse(
    method: string,
    pathTemplate: string,
    status: number,
    body: unknown,
    options?: ValidateOptions,
  ): ValidationResult;
  /** Validates `value` against `#/components/schemas/<name>` (e.g. `ApiError`); unknown names throw. */
  validateSchema(name: string, value: unknown, options?: ValidateOptions): ValidationResult;
  /** Resolves a concrete path such as `/api/atlas/v2/groups/<id>/privateEndpoint/AWS/endpointService`. */
  matchOperation(method: string, path: string): OperationMatch | undefined;
  operations(): OperationInfo[];
}

/** Directory holding the reference material; the repository is checked out next to `shared/`. */
export const REFERENCE_DIR: URL = new URL('../../../shared/reference/', import.meta.url);

const SPEC_FILES: Record<SpecVersion, string> = {
  v2: 'atlas-openapi-privatelink.yaml',
  v1: 'atlas-openapi-privatelink-v1.yaml',
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const SCHEMA_REF_PREFIX = '#/components/schemas/';
const BASE_SUFFIX = '__withoutDiscriminator';
const DROPPED_KEYWORDS = new Set(['discriminator', 'nullable', 'example', 'externalDocs', 'xml']);
const VERBATIM_KEYWORDS = new Set(['enum', 'const', 'default', 'required', 'examples']);

type Json = Record<string, unknown>;
type Mode = 'strict' | 'nullOptional';

const addFormats = addFormatsModule.default;

function isRecord(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function pointerGet(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const seg = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isRecord(cur) || !(seg in cur)) throw new Error(`unresolvable $ref ${ref}`);
    cur = cur[seg];
  }
  return cur;
}

function schemaName(ref: unknown): string | undefined {
  return typeof ref === 'string' && ref.startsWith(SCHEMA_REF_PREFIX) ? ref.slice(SCHEMA_REF_PREFIX.length) : undefined;
}

function hasComposition(schema: Json): boolean {
  return 'allOf' in schema || 'anyOf' in schema || 'oneOf' in schema || 'not' in schema;
}

function makeNullable(schema: Json): Json {
  const withNullEnum = (out: Json): Json => {
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  };
  if (typeof schema.type === 'string') return withNullEnum({ ...schema, type: [schema.type, 'null'] });
  if (Array.isArray(schema.type)) {
    return withNullEnum(schema.type.includes('null') ? { ...schema } : { ...schema, type: [...schema.type, 'null'] });
  }
  if (schema.type === undefined && schema.enum === undefined && schema.$ref === undefined && !hasComposition(schema)) {
    return schema;
  }
  return { anyOf: [{ type: 'null' }, schema] };
}

/** Rewrites one OpenAPI 3.0 schema node (recursively) into draft-07 JSON Schema. */
function convert(node: unknown, refBase: string, mode: Mode): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, refBase, mode));
  if (!isRecord(node)) return node;
  if (typeof node.$ref === 'string') {
    return { $ref: node.$ref.startsWith('#/') ? refBase + node.$ref : node.$ref };
  }
  let out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (DROPPED_KEYWORDS.has(k) || k.startsWith('x-')) continue;
    if (k === 'properties' && isRecord(v)) {
      const props: Json = {};
      for (const [pk, pv] of Object.entries(v)) props[pk] = convert(pv, refBase, mode);
      out[k] = props;
    } else if (VERBATIM_KEYWORDS.has(k)) {
      out[k] = v;
    } else {
      out[k] = convert(v, refBase, mode);
    }
  }
  if (Array.isArray(out.required) && isRecord(node.properties)) {
    const props = node.properties;
    const kept = out.required.filter((r) => {
      const prop = typeof r === 'string' ? props[r] : undefined;
      return !(isRecord(prop) && prop.writeOnly === true);
    });
    if (kept.length > 0) out.required = kept;
    else delete out.required;
  }
  if (node.nullable === true) out = makeNullable(out);
  if (mode === 'nullOptional' && isRecord(out.properties)) {
    const required = new Set(Array.isArray(out.required) ? out.required : []);
    const props: Json = {};
    for (const [pk, pv] of Object.entries(out.properties)) {
      props[pk] = required.has(pk) || !isRecord(pv) ? pv : makeNullable(pv);
    }
    out.properties = props;
  }
  return out;
}

function discriminatorOf(schema: Json): { property: string; mapping: Record<string, string> } | undefined {
  const d = schema.discriminator;
  if (!isRecord(d) || typeof d.propertyName !== 'string') return undefined;
  const mapping: Record<string, string> = {};
  if (isRecord(d.mapping)) {
    for (const [value, ref] of Object.entries(d.mapping)) if (typeof ref === 'string') mapping[value] = ref;
  } else {
    const alternatives = [
      ...(Array.isArray(schema.oneOf) ? schema.oneOf : []),
      ...(Array.isArray(schema.anyOf) ? schema.anyOf : []),
    ];
    for (const alt of alternatives) {
      const name = isRecord(alt) ? schemaName(alt.$ref) : undefined;
      if (name !== undefined) mapping[name] = SCHEMA_REF_PREFIX + name;
    }
  }
  return { property: d.propertyName, mapping };
}

/**
 * Builds the draft-07 `components.schemas` for one document: every schema converted, and every schema
 * with a discriminator replaced by `allOf[base, dispatch]` where `base` is the schema stripped of
 * `discriminator`/`oneOf`/`anyOf` (also published as `<Name>__withoutDiscriminator`). Without the
 * discriminator property, `oneOf`/`anyOf` still apply as written.
 */
function buildComponents(doc: Json, docId: string, mode: Mode): Json {
  const components = isRecord(doc.components) ? doc.components : {};
  const source = isRecord(components.schemas) ? components.schemas : {};
  const parents = new Map<string, string[]>();
  for (const [name, schema] of Object.entries(source)) {
    if (!isRecord(schema)) continue;
    const disc = discriminatorOf(schema);
    if (disc === undefined) continue;
    for (const ref of Object.values(disc.mapping)) {
      const target = schemaName(ref);
      if (target !== undefined) parents.set(target, [...(parents.get(target) ?? []), name]);
    }
  }

  const out: Json = {};
  for (const [name, raw] of Object.entries(source)) {
    if (!isRecord(raw)) continue;
    let schema: Json = raw;
    const parentNames = parents.get(name);
    if (parentNames !== undefined && Array.isArray(schema.allOf)) {
      schema = {
        ...schema,
        allOf: schema.allOf.map((part) => {
          const target = isRecord(part) ? schemaName(part.$ref) : undefined;
          return target !== undefined && parentNames.includes(target)
            ? { $ref: SCHEMA_REF_PREFIX + target + BASE_SUFFIX }
            : part;
        }),
      };
    }
    const disc = discriminatorOf(schema);
    if (disc === undefined) {
      out[name] = convert(schema, docId, mode);
      continue;
    }
    const { oneOf, anyOf, discriminator: _discriminator, ...baseRaw } = schema;
    out[name + BASE_SUFFIX] = convert(baseRaw, docId, mode);
    const dispatch: Json[] = Object.entries(disc.mapping).map(([value, ref]) => ({
      if: { properties: { [disc.property]: { const: value } }, required: [disc.property] },
      then: { $ref: ref.startsWith('#/') ? docId + ref : ref },
    }));
    const alternatives: Json = {};
    if (oneOf !== undefined) alternatives.oneOf = convert(oneOf, docId, mode);
    if (anyOf !== undefined) alternatives.anyOf = convert(anyOf, docId, mode);
    const selector: Json =
      Object.keys(alternatives).length > 0
        ? { if: { required: [disc.property] }, then: { allOf: dispatch }, else: alternatives }
        : { allOf: dispatch };
    out[name] = { allOf: [{ $ref: docId + SCHEMA_REF_PREFIX + name + BASE_SUFFIX }, selector] };
  }
  return out;
}

function preview(value: unknown): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(value);
  } catch {
    s = undefined;
  }
  if (s === undefined) s = String(value);
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

function formatErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  if (!errors) return [];
  const lines: string[] = [];
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    let msg = `${e.instancePath === '' ? '/' : e.instancePath} ${e.message ?? e.keyword}`;
    if (e.keyword === 'enum') msg += ` ${preview((e.params as { allowedValues?: unknown }).allowedValues)}`;
    if (e.keyword !== 'required') msg += ` (got ${preview(e.data)})`;
    if (!lines.includes(msg)) lines.push(msg);
  }
  return lines;
}

function chooseFallback(declared: readonly string[], status: number): string | undefined {
  const cls = Math.floor(status / 100);
  const wildcard = declared.find((s) => s.toUpperCase() === `${cls}XX`);
  if (wildcard !== undefined) return wildcard;
  const numeric = declared.filter((s) => /^\d{3}$/.test(s)).sort();
  if (cls === 2) {
    for (const preferred of ['200', '201']) if (declared.includes(preferred)) return preferred;
    return numeric.find((s) => s.startsWith('2')) ?? (declared.includes('default') ? 'default' : undefined);
  }
  if (declared.includes('default')) return 'default';
  return numeric.find((s) => s.startsWith(String(cls))) ?? numeric.find((s) => Number(s) >= 400);
}

function pickSchema(response: Json): unknown {
  const content = response.content;
  if (!isRecord(content)) return undefined;
  const entries = Object.entries(content).filter(([, media]) => isRecord(media) && media.schema !== undefined);
  const chosen = entries.find(([type]) => /json/i.test(type)) ?? entries[0];
  return chosen === undefined ? undefined : (chosen[1] as Json).schema;
}

interface Compiled {
  ajv: Ajv;
  docId: string;
  schemas: Json;
  responses: Map<string, ValidateFunction | null>;
  named: Map<string, ValidateFunction>;
}

class Validator implements OpenApiValidator {
  readonly which: SpecVersion;
  readonly document: Json;
  private readonly ops: OperationInfo[] = [];
  private readonly compiled = new Map<Mode, Compiled>();

  constructor(which: SpecVersion, document: Json) {
    this.which = which;
    this.document = document;
    const paths = isRecord(document.paths) ? document.paths : {};
    for (const [path, item] of Object.entries(paths)) {
      if (!isRecord(item)) continue;
      for (const m of HTTP_METHODS) {
        const op = item[m];
        if (!isRecord(op)) continue;
        this.ops.push({
          method: m.toUpperCase(),
          path,
          operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
          statuses: isRecord(op.responses) ? Object.keys(op.responses) : [],
        });
      }
    }
  }

  operations(): OperationInfo[] {
    return this.ops.map((o) => ({ ...o, statuses: [...o.statuses] }));
  }

  matchOperation(method: string, path: string): OperationMatch | undefined {
    const wanted = method.toUpperCase();
    const segments = path.split(/[?#]/, 1)[0]!.split('/');
    let best: { match: OperationMatch; score: string } | undefined;
    for (const op of this.ops) {
      if (op.method !== wanted) continue;
      const tpl = op.path.split('/');
      if (tpl.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let score = '';
      for (let i = 0; i < tpl.length && score.length === i; i++) {
        const t = tpl[i]!;
        const s = segments[i]!;
        const param = /^\{([^}]+)\}$/.exec(t);
        if (param && s !== '') {
          let decoded = s;
          try {
            decoded = decodeURIComponent(s);
          } catch {
            decoded = s;
          }
          params[param[1]!] = decoded;
          score += '0';
        } else if (!param && t === s) {
          score += '1';
        }
      }
      if (score.length === tpl.length && (best === undefined || score > best.score)) {
        best = { match: { operation: { ...op, statuses: [...op.statuses] }, params }, score };
      }
    }
    return best?.match;
  }

  validateResponse(
    method: string,
    pathTemplate: string,
    status: number,
    body: unknown,
    options?: ValidateOptions,
  ): ValidationResult {
    const paths = isRecord(this.document.paths) ? this.document.paths : {};
    const item = paths[pathTemplate];
    const op = isRecord(item) ? item[method.toLowerCase()] : undefined;
    if (!isRecord(op) || !isRecord(op.responses)) {
      throw new Error(`${this.which}: no operation ${method.toUpperCase()} ${pathTemplate}`);
    }
    const responses = op.responses;
    const declared = Object.keys(responses);
    let used = String(status);
    let fellBackFrom: number | undefined;
    if (!declared.includes(used)) {
      const fallback = chooseFallback(declared, status);
      if (fallback === undefined) {
        return {
          ok: false,
          errors: [`/ status ${status} is not declared and has no fallback (declared: ${declared.join(', ')})`],
          fellBackFrom: status,
        };
      }
      fellBackFrom = status;
      used = fallback;
    }
    const mode: Mode = options?.acceptNullForOptional ? 'nullOptional' : 'strict';
    const compiled = this.compiledFor(mode);
    const key = `${method.toUpperCase()} ${pathTemplate} ${used}`;
    let validate = compiled.responses.get(key);
    if (validate === undefined) {
      let response = responses[used];
      if (isRecord(response) && typeof response.$ref === 'string') response = pointerGet(this.document, response.$ref);
      const schema = isRecord(response) ? pickSchema(response) : undefined;
      validate = schema === undefined ? null : compiled.ajv.compile(convert(schema, compiled.docId, mode) as Json);
      compiled.responses.set(key, validate);
    }
    const extra: Pick<ValidationResult, 'fellBackFrom' | 'usedStatus'> =
      fellBackFrom === undefined ? {} : { fellBackFrom, usedStatus: used };
    if (validate === null) {
      const absent = body === undefined || body === null || body === '';
      return absent
        ? { ok: true, errors: [], ...extra }
        : { ok: false, errors: [`/ status ${used} declares no response body (got ${preview(body)})`], ...extra };
    }
    const ok = validate(body) as boolean;
    return { ok, errors: ok ? [] : formatErrors(validate.errors), ...extra };
  }

  validateSchema(name: string, value: unknown, options?: ValidateOptions): ValidationResult {
    const mode: Mode = options?.acceptNullForOptional ? 'nullOptional' : 'strict';
    const compiled = this.compiledFor(mode);
    if (!(name in compiled.schemas)) throw new Error(`${this.which}: no schema ${name}`);
    let validate = compiled.named.get(name);
    if (validate === undefined) {
      validate = compiled.ajv.compile({ $ref: compiled.docId + SCHEMA_REF_PREFIX + name });
      compiled.named.set(name, validate);
    }
    const ok = validate(value) as boolean;
    return { ok, errors: ok ? [] : formatErrors(validate.errors) };
  }

  private compiledFor(mode: Mode): Compiled {
    let c = this.compiled.get(mode);
    if (c === undefined) {
      const docId = `https://linkplane.invalid/openapi/${this.which}/${mode}.json`;
      const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, logger: false, validateSchema: false });
      addFormats(ajv);
      const schemas = buildComponents(this.document, docId, mode);
      ajv.addSchema({ $id: docId, components: { schemas } });
      c = { ajv, docId, schemas, responses: new Map(), named: new Map() };
      this.compiled.set(mode, c);
    }
    return c;
  }
}

const loaded = new Map<SpecVersion, Validator>();

/** Loads (once per process) and returns the validator for one document. */
export function loadOpenApi(which: SpecVersion): OpenApiValidator {
  let v = loaded.get(which);
  if (v === undefined) {
    const text = readFileSync(new URL(SPEC_FILES[which], REFERENCE_DIR), 'utf8');
    const doc: unknown = parseYaml(text);
    if (!isRecord(doc)) throw new Error(`${SPEC_FILES[which]} is not an OpenAPI document`);
    v = new Validator(which, doc);
    loaded.set(which, v);
  }
  return v;
}

/** Every operation of a document: upper-case method, path key, operationId and declared statuses. */
export function listOperations(which: SpecVersion): OperationInfo[] {
  return loadOpenApi(which).operations();
}
