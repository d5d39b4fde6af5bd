import type { OpenAPIObject } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { problemExample, problemSchema } from '../common/http/api-problem';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Responses = Operation['responses'];
type Response = Exclude<NonNullable<Responses[string]>, { $ref: string }>;

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;
const WRITES = new Set(['post', 'patch', 'put', 'delete']);
const HEALTH = /^\/health/;

const ref = (kind: 'headers' | 'parameters', name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** Headers and parameters every operation shares, declared once. */
const COMPONENTS = {
  headers: {
    XRequestId: { description: 'The request id (yours, from X-Request-Id, when sane); it is in every log line of the request', schema: { type: 'string' } },
    RateLimit: { description: 'IETF RateLimit: per policy, r = requests left, t = seconds until the window ends', schema: { type: 'string' } },
    RateLimitPolicy: { description: 'IETF RateLimit-Policy: per policy, q = requests allowed per w seconds', schema: { type: 'string' } },
    RetryAfter: { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } },
    IdempotentReplayed: { description: '"true" when this is the stored answer to an earlier request with the same Idempotency-Key', schema: { type: 'string', enum: ['true'] } },
  },
  parameters: {
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header' as const,
      required: false,
      description: 'Makes a retry safe: the same key with the same request within 24 h gets the first answer again, and nothing happens twice.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    },
  },
};

const TAGS = [
  { name: 'auth', description: 'Accounts and tokens' },
  { name: 'movies', description: 'The catalogue: movies' },
  { name: 'shows', description: 'The catalogue: shows of a movie' },
  { name: 'seats', description: "A show's seat map, and its live changes" },
  { name: 'bookings', description: 'Booking and cancelling seats' },
  { name: 'holds', description: 'Keeping seats while paying' },
  { name: 'tickets', description: "A booking's ticket (its QR code), and checking tickets in at the door" },
  { name: 'users', description: 'Accounts, for admins: finding them and granting roles' },
  { name: 'health', description: 'Probes for load balancers and orchestrators' },
];

/** Problem answers every operation of a kind shares: one component each, referenced. */
const SHARED: Record<string, [number, string[]]> = {
  BadInput: [400, ['VALIDATION_FAILED', 'BAD_REQUEST']],
  BadBody: [400, ['VALIDATION_FAILED', 'MALFORMED_JSON', 'BAD_REQUEST']],
  NotAuthenticated: [401, ['NOT_AUTHENTICATED', 'TOKEN_EXPIRED', 'INVALID_TOKEN']],
  Forbidden: [403, ['FORBIDDEN']],
  IdempotencyInProgress: [409, ['IDEMPOTENCY_IN_PROGRESS']],
  PayloadTooLarge: [413, ['PAYLOAD_TOO_LARGE']],
  UnsupportedMediaType: [415, ['UNSUPPORTED_MEDIA_TYPE']],
  IdempotencyKeyReused: [422, ['IDEMPOTENCY_KEY_REUSED']],
  RateLimited: [429, ['RATE_LIMITED']],
  InternalError: [500, ['INTERNAL_ERROR']],
  Unavailable: [503, ['SERVICE_UNAVAILABLE', 'SHUTTING_DOWN']],
};

function problemResponse(status: number, codes: string[], existing?: Response): Response {
  const media = existing?.content?.['application/problem+json'];
  const known = Object.keys(media?.examples ?? {});
  const all = [...new Set([...known, ...codes])];
  return {
    ...existing,
    description: `${STATUS_CODES[status]}: ${all.join(', ')}`,
    headers: { ...answerHeaders(status), ...(existing?.headers ?? {}) },
    content: {
      ...existing?.content,
      'application/problem+json': {
        schema: problemSchema(all),
        examples: { ...media?.examples, ...Object.fromEntries(codes.filter((c) => !known.includes(c)).map((c) => [c, { value: problemExample(status, c) }])) },
      },
    },
  };
}

/** Adds the shared problem answer `name`: a reference when the route says nothing of that status, merged into what it says otherwise. */
function addShared(responses: Responses, name: keyof typeof SHARED): void {
  const [status, codes] = SHARED[name];
  const existing = responses[status] as Response | undefined;
  const own = existing?.content?.['application/problem+json'];
  responses[status] = own ? problemResponse(status, codes, existing) : { $ref: `#/components/responses/${name}` };
}

/** The headers an answer of this status carries (the rate-limit ones only where limits apply; they are optional). */
function answerHeaders(status: number | string): Record<string, { $ref: string }> {
  return {
    'X-Request-Id': ref('headers', 'XRequestId'),
    RateLimit: ref('headers', 'RateLimit'),
    'RateLimit-Policy': ref('headers', 'RateLimitPolicy'),
    ...(String(status) === '429' || String(status) === '503' ? { 'Retry-After': ref('headers', 'RetryAfter') } : {}),
  };
}

/**
 * Makes the generated document say everything the service answers, for what
 * every route shares and so no controller repeats: the answers of the layers
 * around the handlers (validation, body parsing, authentication, rate limits,
 * idempotency, failures), the headers every answer carries, integer path ids,
 * `security: []` on public operations, the Idempotency-Key header on signed-in
 * writes, servers, tags and a licence.
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  document.servers = [{ url: '/', description: 'The server that serves this document' }];
  document.info.license = { name: 'Proprietary' };
  document.tags = TAGS;
  document.components = {
    ...document.components,
    headers: { ...document.components?.headers, ...COMPONENTS.headers },
    parameters: { ...document.components?.parameters, ...COMPONENTS.parameters },
    responses: Object.fromEntries(Object.entries(SHARED).map(([name, [status, codes]]) => [name, problemResponse(status, codes)])),
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const signedIn = (op.security ?? []).length > 0;
      const admin = Boolean((op.responses['403'] as Response | undefined)?.description?.startsWith('Only for'));
      op.security ??= [];
      for (const parameter of op.parameters ?? []) {
        if ('in' in parameter && parameter.in === 'path' && parameter.name === 'id') {
          parameter.schema = { type: 'integer', minimum: 1, maximum: 2_147_483_647 };
        }
      }
      const write = WRITES.has(method);

      if (write) {
        addShared(op.responses, 'BadBody');
        addShared(op.responses, 'PayloadTooLarge');
        addShared(op.responses, 'UnsupportedMediaType');
      } else {
        // A malformed URL (bad percent-encoding) is 400 BAD_REQUEST on every route; ids and queries are validated.
        addShared(op.responses, 'BadInput');
      }
      if (signedIn) addShared(op.responses, 'NotAuthenticated');
      if (admin) delete op.responses['403'];
      if (admin) addShared(op.responses, 'Forbidden');
      if (signedIn && write) {
        op.parameters = [...(op.parameters ?? []), ref('parameters', 'IdempotencyKey')];
        addShared(op.responses, 'IdempotencyInProgress');
        addShared(op.responses, 'IdempotencyKeyReused');
      }
      if (!HEALTH.test(path) || (op.responses['429'] as Response | undefined)?.content) addShared(op.responses, 'RateLimited');
      addShared(op.responses, 'InternalError');
      addShared(op.responses, 'Unavailable');

      for (const [status, response] of Object.entries(op.responses)) {
        if (!response || '$ref' in response) continue;
        const headers = { ...answerHeaders(status), ...(response.headers ?? {}) };
        if (signedIn && write && status.startsWith('2')) headers['Idempotent-Replayed'] = ref('headers', 'IdempotentReplayed');
        response.headers = headers;
      }
    }
  }
  const used = JSON.stringify(document.paths);
  for (const name of Object.keys(SHARED)) if (!used.includes(`#/components/responses/${name}"`)) delete document.components.responses?.[name];
  return document;
}
