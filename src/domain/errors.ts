/**
 * The one catalogue of Atlas error codes linkplane answers with.
 *
 * Every failure that reaches a client is an {@link AtlasError} built here from its Atlas code, so the
 * HTTP status, the detail template and the reason phrase of a code are written down exactly once.
 * Templates use `%s` placeholders filled from `parameters`, as Atlas renders its own details.
 */

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Atlas error codes: HTTP status and detail template. */
export const CATALOGUE = {
  // request shape
  INVALID_JSON: [400, 'Received JSON does not match expected format.'],
  INVALID_JSON_ATTRIBUTE: [400, 'Received JSON for the %s attribute does not match expected format.'],
  INVALID_ATTRIBUTE: [400, 'Invalid attribute %s specified.'],
  MISSING_ATTRIBUTE: [400, 'The required attribute %s was not specified.'],
  INVALID_ENUM_VALUE: [400, 'An invalid enumeration value %s was specified.'],
  INVALID_QUERY_PARAMETER: [400, 'Invalid query parameter %s specified.'],
  ATTRIBUTE_READ_ONLY: [400, 'The attribute %s is read-only and cannot be changed by the user.'],
  PATH_PARAM_PARSE_ERROR: [400, 'One or more path parameter in the request URI %s is malformed.'],
  RESOURCE_NOT_FOUND: [404, 'Cannot find resource %s.'],
  INVALID_VERSION_DATE: [406, 'Invalid accept header or version date.'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'Unsupported media type %s.'],
  REQUEST_TOO_LARGE: [413, 'Request body is larger than %s bytes.'],
  // authentication and authorization
  UNEXPECTED_ERROR: [500, 'Unexpected error.'],
  USER_UNAUTHORIZED: [401, 'Current user is not authorized to perform this action.'],
  NOT_ORG_GROUP_CREATOR: [401, 'The currently logged in user does not have the group creator role in organization %s.'],
  IP_ADDRESS_NOT_ON_ACCESS_LIST: [403, 'IP address %s is not allowed to access this resource.'],
  RATE_LIMITED_TOKEN_BUCKET: [
    429,
    'Rate limit exceeded for %s. Please retry after %s seconds. Request capacity: %s. Refill rate: %s per %s seconds.',
  ],
  // organizations and projects
  ORG_NOT_FOUND: [404, 'No organization with ID %s exists.'],
  GROUP_NOT_FOUND: [404, 'No group with ID %s exists.'],
  NOT_IN_GROUP: [401, 'The current user is not in the group, or the group does not exist.'],
  GROUP_ALREADY_EXISTS: [409, 'A group with name "%s" already exists.'],
  INVALID_GROUP_NAME: [400, 'Group name "%s" is invalid.'],
  CANNOT_CLOSE_GROUP_ACTIVE_ATLAS_PRIVATE_ENDPOINT_SERVICES: [
    409,
    'Cannot close group while it has active private endpoint services; please terminate all private endpoint services.',
  ],
  // API keys and access lists
  API_KEY_NOT_FOUND: [404, 'No API key with ID %s exists.'],
  MISSING_API_KEY_ROLES: [400, 'API keys must have at least one role.'],
  INVALID_ROLE_FOR_ORG: [400, 'Role %s invalid for organization %s.'],
  INVALID_ROLE_FOR_GROUP: [400, 'Role %s is invalid for group %s.'],
  INVALID_API_KEY_DESC: [400, 'API Key description must be between 1 and 250 characters.'],
  INVALID_IP_ADDRESS_OR_CIDR_NOTATION: [400, 'The address %s must be in valid IP address or CIDR notation.'],
  BAD_ACCESS_LIST_ADD_REQUEST: [400, 'Should not specify both the IP address and the CIDR block.'],
  API_KEY_ACCESS_LIST_NOT_FOUND: [404, 'IP address %s not on access list for API key %s.'],
  CANNOT_REMOVE_CALLER_FROM_ACCESS_LIST: [400, "Cannot remove caller's IP address %s from access list."],
  // private endpoints
  PRIVATE_ENDPOINT_SERVICE_ALREADY_EXISTS_FOR_REGION: [409, 'A private endpoint service already exists for %s region %s.'],
  PRIVATE_ENDPOINT_SERVICE_NOT_FOUND: [404, 'Private endpoint service %s not found.'],
  PRIVATELINK_CANNOT_ACCEPT_ENDPOINTS: [
    409,
    'The PrivateLink with the specified id %s is not ready to accept endpoint connection requests.',
  ],
  PRIVATELINK_INTERFACE_ENDPOINT_ALREADY_EXISTS: [
    409,
    'The PrivateLink already contains an interface endpoint with the specified id %s.',
  ],
  CANNOT_DELETE_PRIVATELINK_WITH_ENDPOINTS: [
    409,
    'A PrivateLink with endpoints cannot be deleted. Please delete all endpoints and retry.',
  ],
  CROSS_REGION_PRIVATE_LINK_SELF_REGION: [
    400,
    'Supported remote regions cannot include the region of the private endpoint service %s.',
  ],
  MULTIPLE_PRIVATE_ENDPOINTS_RESTRICTED_TO_SINGLE_REGION: [
    409,
    'Projects with multiple private endpoints in the same region cannot support private endpoints in other regions.',
  ],
  PROVIDER_UNSUPPORTED: [400, 'Provider %s not currently supported.'],
  INVALID_REGION: [400, 'No region %s exists for provider %s.'],
  INVALID_PROVIDER: [400, 'No provider %s exists.'],
  // linkplane admin API
  FAULT_RULE_NOT_FOUND: [404, 'No simulation fault rule with ID %s exists.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof CATALOGUE;

/** The wire shape of an Atlas error, keys in Atlas's order. */
export interface AtlasErrorBody {
  detail: string;
  error: number;
  errorCode: string;
  parameters: unknown[];
  reason: string;
}

/** A failure a client may see; always built from {@link CATALOGUE} through {@link atlasError}. */
export class AtlasError extends Error {
  readonly status: number;
  readonly errorCode: ErrorCode;
  readonly detail: string;
  readonly parameters: unknown[];
  /** Extra response headers (Retry-After on 429). */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, parameters: unknown[] = [], headers: Record<string, string> = {}) {
    const [status, template] = CATALOGUE[code];
    let i = 0;
    const detail = template.replace(/%s/g, () => String(parameters[i++] ?? ''));
    super(detail);
    this.name = 'AtlasError';
    this.status = status;
    this.errorCode = code;
    this.detail = detail;
    this.parameters = parameters;
    this.headers = headers;
  }

  get reason(): string {
    return reasonPhrase(this.status);
  }

  toBody(): AtlasErrorBody {
    return {
      detail: this.detail,
      error: this.status,
      errorCode: this.errorCode,
      parameters: this.parameters,
      reason: this.reason,
    };
  }
}

export function atlasError(code: ErrorCode, ...parameters: unknown[]): AtlasError {
  return new AtlasError(code, parameters);
}

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Error';
}
