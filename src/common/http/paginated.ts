import { ApiOkResponse } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { Page } from './pagination';

/**
 * A `Page` a handler returns goes out as its items (a JSON array), with the
 * full count in X-Total-Count: one Fastify hook for every list route, before
 * serialization (an interceptor per route cost a chain of observables per request).
 */
export function pagedAnswers(fastify: FastifyInstance): void {
  fastify.addHook('preSerialization', (_request, reply, payload, done) => {
    if (!(payload instanceof Page)) return done(null, payload);
    void reply.header('x-total-count', String(payload.total));
    done(null, payload.items);
  });
}

/** A list route of `item`s: its `Page` result goes out as a JSON array with the full count in X-Total-Count. */
export const Paginated = (item: new () => object) =>
  ApiOkResponse({
    type: [item],
    description: 'One page of the list (?limit=, ?offset=)',
    headers: { 'X-Total-Count': { description: 'How many items the whole list has', schema: { type: 'integer', minimum: 0 } } },
  });

