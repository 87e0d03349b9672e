/**
 * Every error the HTTP API returns: its code (`AREA_CONDITION`), HTTP
 * status and message template. `{name}` in a template is replaced by the
 * parameter of that name. docs/server.md lists the same codes, and a test
 * keeps the two in step.
 */
export const ERROR_CODES = {
  AUTH_TOKEN_MISSING: {
    status: 401,
    message:
      'missing bearer token: send "Authorization: Bearer TOKEN" with {expected}',
  },
  AUTH_TOKEN_INVALID: {
    status: 401,
    message: 'invalid token: it is not {expected}',
  },
  AUTH_TOKEN_REVOKED: {
    status: 401,
    message:
      'the token of cluster {cluster} was revoked; remove and add the cluster again for a new one',
  },
  REQUEST_INVALID: {
    status: 400,
    message: 'invalid request: {reason}',
  },
  REQUEST_INVALID_JSON: {
    status: 400,
    message: 'invalid JSON in the request body: {reason}',
  },
  REQUEST_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message:
      'unsupported Content-Type {contentType}; send the body as application/json',
  },
  REQUEST_UNSUPPORTED_ENCODING: {
    status: 415,
    message:
      'unsupported Content-Encoding {encoding}; send the body as is or with gzip',
  },
  REQUEST_INVALID_ENCODING: {
    status: 400,
    message: 'the request body is not valid {encoding}: {reason}',
  },
  REQUEST_BODY_TOO_LARGE: {
    status: 413,
    message:
      'request body exceeds the limit of {limit} bytes; send smaller batches or raise the limit',
  },
  WEBHOOK_INVALID_BODY: {
    status: 400,
    message: 'the body contains no audit event: {reason}',
  },
  ALERT_NOT_FOUND: {
    status: 404,
    message: 'alert {id} not found',
  },
  CLUSTER_NOT_FOUND: {
    status: 404,
    message:
      'cluster {cluster} not found; enrol it with "vigil clusters add {cluster}"',
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    message: 'no route for {method} {url}',
  },
  SERVER_NOT_READY: {
    status: 503,
    message: 'not ready: {reason}',
  },
  SERVER_SHUTTING_DOWN: {
    status: 503,
    message:
      'the server is shutting down; retry against another replica or later',
  },
  STORE_UNAVAILABLE: {
    status: 503,
    message: 'the database did not accept the request; retry later',
  },
  STORE_DISK_FULL: {
    status: 503,
    message:
      'the server has no disk space left to store the request; retry once an operator frees space',
  },
  INTERNAL_ERROR: {
    status: 500,
    message:
      'internal error; the server log has the details under request id {requestId}',
  },
} as const satisfies Record<string, { status: number; message: string }>;

/** The code of an API error. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The one JSON shape of every API error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** An error that the API returns as `{"error": {code, message}}`. */
export class ApiError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    params: Record<string, string | number> = {},
  ) {
    super(formatMessage(ERROR_CODES[code].message, params));
    this.name = 'ApiError';
    this.statusCode = ERROR_CODES[code].status;
  }

  /** Returns the response body. */
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Maximum length of a parameter copied into a message, in characters. */
const MAX_PARAM_LENGTH = 200;

function formatMessage(
  template: string,
  params: Record<string, string | number>,
): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return String(value).slice(0, MAX_PARAM_LENGTH);
  });
}
