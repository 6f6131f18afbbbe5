/**
 * THE one list of places where linkplane's private-endpoint responses deliberately differ from the
 * OpenAPI extracts (v2 and the reconstructed v1.0) or from recorded Atlas responses, each with the
 * reason. Tests import it: a spec validation error, an undeclared status or a recorded variant that
 * is not reproduced fails unless it is explained here. Keep entries narrow (operation + exact error).
 */

/** Validator mode used for every check: optional fields may be `null` (see NULLS_FOR_OPTIONAL). */
export const NULLS_FOR_OPTIONAL = {
  id: 'nulls-for-optional',
  reason:
    'Atlas writes unset fields as explicit nulls (errorMessage, endpointServiceName, privateLinkServiceName, ' +
    'privateLinkServiceResourceId, privateEndpointConnectionName, and AWS supportedRemoteRegions in the 2026 shape) ' +
    'although the spec types them as non-nullable; every recorded body has them. Applied through the validator option ' +
    '`acceptNullForOptional`, which still checks everything else.',
} as const;

export interface StatusException {
  id: string;
  /** HTTP method, or `*` for every operation. */
  method: string;
  /** Path template after the tree prefix, as in the documents (`/groups/{groupId}/…`), or `*`. */
  template: string;
  status: number;
  reason: string;
}

/** Statuses we send that the operation does not declare (the validator then checks the declared one). */
export const STATUS_EXCEPTIONS: readonly StatusException[] = [
  {
    id: 'create-service-201',
    method: 'POST',
    template: '/groups/{groupId}/privateEndpoint/endpointService',
    status: 201,
    reason: 'Recorded Atlas answers 201 Created (319 recordings); the spec says 200.',
  },
  {
    id: 'delete-service-202',
    method: 'DELETE',
    template: '/groups/{groupId}/privateEndpoint/{cloudProvider}/endpointService/{endpointServiceId}',
    status: 202,
    reason: 'Recorded Atlas answers 202 Accepted with body {} (317 recordings); the spec says 204.',
  },
  {
    id: 'create-endpoint-201',
    method: 'POST',
    template: '/groups/{groupId}/privateEndpoint/{cloudProvider}/endpointService/{endpointServiceId}/endpoint',
    status: 201,
    reason: 'Not recorded; decided 201 like the recorded create-service of the same family (ATLAS-API Part 5). Clients accept any 2xx.',
  },
  {
    id: 'delete-endpoint-202',
    method: 'DELETE',
    template: '/groups/{groupId}/privateEndpoint/{cloudProvider}/endpointService/{endpointServiceId}/endpoint/{endpointId}',
    status: 202,
    reason: 'Not recorded; decided 202 {} like the recorded delete-service (ATLAS-API Part 5). Deletion is asynchronous (DELETING, then 404).',
  },
  {
    id: 'toggle-regional-mode-202',
    method: 'PATCH',
    template: '/groups/{groupId}/privateEndpoint/regionalMode',
    status: 202,
    reason: 'Recorded Atlas answers 202 Accepted echoing {"enabled":…} (210 recordings); the spec says 200.',
  },
  {
    id: 'create-service-409',
    method: 'POST',
    template: '/groups/{groupId}/privateEndpoint/endpointService',
    status: 409,
    reason: 'PRIVATE_ENDPOINT_SERVICE_ALREADY_EXISTS_FOR_REGION is a real 409 (Terraform acceptance logs); the spec declares no 409 here.',
  },
  {
    id: 'delete-service-409',
    method: 'DELETE',
    template: '/groups/{groupId}/privateEndpoint/{cloudProvider}/endpointService/{endpointServiceId}',
    status: 409,
    reason: 'CANNOT_DELETE_PRIVATELINK_WITH_ENDPOINTS (legacy Atlas 409; Terraform retries a 409 here); the spec declares no 409.',
  },
  {
    id: 'regional-mode-400',
    method: 'PATCH',
    template: '/groups/{groupId}/privateEndpoint/regionalMode',
    status: 400,
    reason: 'A malformed body (unknown attribute, non-boolean enabled, missing enabled) is 400 like every Atlas body error; the spec declares no 400.',
  },
  {
    id: 'version-406',
    method: '*',
    template: '*',
    status: 406,
    reason:
      'A v2 request without a usable versioned Accept header is 406 INVALID_VERSION_DATE (Atlas versioning docs); the documents describe versioning globally and declare 406 on no operation.',
  },
  {
    id: 'regional-mode-get-400',
    method: 'GET',
    template: '/groups/{groupId}/privateEndpoint/regionalMode',
    status: 400,
    reason: 'A malformed groupId on v2 is 400 PATH_PARAM_PARSE_ERROR (observed v2 behaviour, ATLAS-API Part 5); the spec declares no 400.',
  },
];

export interface BodyException {
  id: string;
  /** Matches `${METHOD} ${template}` (template as the document spells it, or `(not in spec)`). */
  where: RegExp;
  /** Matches one validator error line (`<instance path> <message> (got <value>)`). */
  error: RegExp;
  reason: string;
}

const SERVICE_OPS = /^(GET|POST|PATCH) \/api\/atlas\/(v2|v1\.0)\/groups\/\{groupId\}\/privateEndpoint\/(\{cloudProvider\}\/)?endpointService(\/\{endpointServiceId\})?$/;
const DELETE_OPS = /^DELETE \/api\/atlas\/(v2|v1\.0)\/groups\/\{groupId\}\/privateEndpoint\/\{cloudProvider\}\/endpointService\/\{endpointServiceId\}(\/endpoint\/\{endpointId\})?$/;

/** Validation errors that are deliberate. */
export const BODY_EXCEPTIONS: readonly BodyException[] = [
  {
    id: 'delete-body-empty-object',
    where: DELETE_OPS,
    error: /^\/ status 204 declares no response body \(got \{\}\)$/,
    reason: 'Atlas answers DELETE with 202 and the body {} (recorded); the spec declares 204 without a body.',
  },
  {
    id: 'aws-interface-endpoints-are-vpce-ids',
    where: SERVICE_OPS,
    error: /^\/(\d+\/)?interfaceEndpoints\/\d+ must match pattern "\^\(\[a-f0-9\]\{24\}\)\$" \(got "vpce-[0-9a-f]{17}"\)$/,
    reason:
      'interfaceEndpoints lists the AWS interface endpoint ids (vpce-…), as Atlas docs examples and the Kubernetes operator show; the spec item pattern (24-hex) is wrong.',
  },
  {
    id: 'gcp-service-attachment-names-without-scheme',
    where: SERVICE_OPS,
    // The validator shortens values to 80 characters, so only the start of the name is matched.
    error: /^\/(\d+\/)?serviceAttachmentNames\/\d+ must match pattern "https:.*" \(got "projects\/p-[a-z0-9]{24}\/regions\/[-a-z0-9]+.*\)$/,
    reason: 'Recorded Atlas names are `projects/p-…/regions/<r>/serviceAttachments/…` without the https:// URL prefix the spec pattern requires (312/312 recordings).',
  },
  {
    id: 'error-parameters-are-strings',
    where: /.*/,
    error: /^\/parameters\/\d+ must be object \(got (".*|-?\d+(\.\d+)?)\)$/,
    reason: 'Atlas error parameters are strings/numbers (e.g. ["AWS","US_EAST_1"], recorded), not the objects the spec declares.',
  },
];

/** Recorded responses we deliberately do not reproduce byte-for-shape, with the shape we emit instead. */
export interface RecordedVariantException {
  file: string;
  reason: string;
  /** What the parity test compares instead. */
  instead: string;
}

export const RECORDED_VARIANT_EXCEPTIONS: readonly RecordedVariantException[] = [
  {
    file: 'atlascli_createPrivateEndpointService_AWS_2025shape.json',
    reason: 'AWS bodies before 2026-03-02 had no supportedRemoteRegions key; Atlas has since always sent it (null when unset). We emit the latest 2026 shape.',
    instead: 'same keys plus supportedRemoteRegions:null at the end; all other keys, order, nulls and formats compared',
  },
  {
    file: 'atlascli_getPrivateEndpointService_AWS_AVAILABLE_2025shape.json',
    reason: 'As above: pre-2026-03-02 AWS shape without supportedRemoteRegions.',
    instead: 'same keys plus supportedRemoteRegions:null',
  },
  {
    file: 'atlascli_listPrivateEndpointService_AWS_INITIATING.json',
    reason: 'Recorded 2025-04-01, pre-2026-03-02 AWS shape without supportedRemoteRegions.',
    instead: 'same keys plus supportedRemoteRegions:null',
  },
  {
    file: 'atlascli_createPrivateEndpointService_AWS_supportedRemoteRegionsEmpty.json',
    reason:
      'Recordings of 2026-03-12 only: supportedRemoteRegions [] for a service created without remote regions; from 2026-03-27 on Atlas sends null, and so do we.',
    instead: 'supportedRemoteRegions:null when none were given; [] is what we echo when a client explicitly sends []',
  },
  {
    file: 'atlascli_getPrivateEndpointService_AWS_AVAILABLE_supportedRemoteRegionsEmpty.json',
    reason: 'As above (2026-03-12 shape with []).',
    instead: 'supportedRemoteRegions:null when none were given; [] when a client explicitly sent []',
  },
  {
    file: 'atlascli_createPrivateEndpointService_GCP_2025shape.json',
    reason: 'GCP bodies before 2025-12-22 had no portMappingEnabled key; we emit the latest shape with portMappingEnabled.',
    instead: 'same keys plus portMappingEnabled:false after id',
  },
  {
    file: 'atlascli_getPrivateEndpointService_GCP_AVAILABLE_2025shape.json',
    reason: 'As above: pre-2025-12-22 GCP shape without portMappingEnabled.',
    instead: 'same keys plus portMappingEnabled:false',
  },
  {
    file: 'atlascli_createProject_400_MAX_GROUPS_PER_ORG_EXCEEDED_errorEnvelope.json',
    reason:
      'linkplane does not cap projects per organization (Atlas: 250), so this exact error cannot be produced; it is recorded for the error envelope, not for private endpoints.',
    instead: 'the envelope (keys, order, types, reason phrase, Content-Type application/json) of a 400 from the same operation (POST /groups with an invalid name)',
  },
];

export interface ErrorContext {
  method: string;
  template: string;
  status: number;
}

/** Splits validator error lines into those a listed exception explains and the rest. */
export function explainSpecErrors(errors: readonly string[], ctx: ErrorContext): { unexplained: string[]; used: string[] } {
  const unexplained: string[] = [];
  const used = new Set<string>();
  const where = `${ctx.method.toUpperCase()} ${ctx.template}`;
  for (const e of errors) {
    const ex = BODY_EXCEPTIONS.find((x) => x.where.test(where) && x.error.test(e));
    if (ex) used.add(ex.id);
    else unexplained.push(e);
  }
  for (const id of used) usedExceptions.add(id);
  return { unexplained, used: [...used] };
}

/** The listed status exception for an undeclared status, if any (`template` after the tree prefix). */
export function statusException(method: string, template: string, status: number): StatusException | undefined {
  const ex = STATUS_EXCEPTIONS.find(
    (x) => (x.method === '*' || x.method === method.toUpperCase()) && (x.template === '*' || x.template === template) && x.status === status,
  );
  if (ex) usedExceptions.add(ex.id);
  return ex;
}

/** Ids of exceptions that explained something in this process (lets a test find stale entries). */
export const usedExceptions = new Set<string>();
