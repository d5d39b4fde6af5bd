import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem } from '../common/filters/problem-details.filter';
import { routeKey } from './route-catalog';

const MAX_BODY_DEPTH = 32;
/** With the u flag, a surrogate matches only when it is unpaired: text no UTF-8 can carry, which breaks validators (URIError). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Depth of a parsed JSON value, counting no further than `limit` + 1 (so a hostile body costs little). */
function nestingDepth(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || value === null || typeof value !== 'object') return depth;
  let deepest = depth + 1;
  for (const child of Object.values(value as object)) {
    deepest = Math.max(deepest, nestingDepth(child, limit, depth + 1));
    if (deepest > limit) break;
  }
  return deepest;
}

function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (value === null || typeof value !== 'object') return false;
  for (const [key, child] of Object.entries(value as object)) if (LONE_SURROGATE.test(key) || hasLoneSurrogate(child)) return true;
  return false;
}

const refuse = (reply: FastifyReply, detail: string) => sendProblem(reply, problem(400, 'VALIDATION_FAILED', detail, { errors: [] }));

/**
 * What every request's body, query and path must be before any handler runs:
 * JSON only (other media types are 415), a JSON object, nested no deeper than
 * 32 levels, text that is valid Unicode, and no fields at all on a route that
 * takes no body (`bodyless`: "METHOD /path" keys, filled once the routes are known).
 */
export function checkRequestInput(fastify: FastifyInstance, bodyless: ReadonlySet<string>): void {
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('preValidation', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    // A @RawBody() route's bytes are its handler's to verify and read: there is no JSON here to judge.
    const body = Buffer.isBuffer(request.body) ? undefined : request.body;
    if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) return refuse(reply, 'The request body must be a JSON object.');
    if (body !== undefined && nestingDepth(body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
      return refuse(reply, `The request body is nested deeper than ${MAX_BODY_DEPTH} levels.`);
    }
    if (hasLoneSurrogate(body) || hasLoneSurrogate(request.query) || hasLoneSurrogate(request.params)) {
      return refuse(reply, 'The request contains text that is not valid Unicode (an unpaired surrogate).');
    }
    if (body && Object.keys(body).length > 0 && bodyless.has(routeKey(request.method, request.routeOptions.url ?? ''))) {
      return sendProblem(
        reply,
        problem(400, 'VALIDATION_FAILED', 'This endpoint takes no request body.', {
          errors: Object.keys(body).map((field) => ({ field, message: `${field} is not an accepted field` })),
        }),
      );
    }
    done();
  });
}
