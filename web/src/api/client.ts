import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../../openapi/schema';
import { session } from './session';

export { ApiProblem, call, type Problem } from './problem';

/** The API's schemas, as openapi-typescript generated them from the service's OpenAPI document. */
export type Schemas = components['schemas'];
export type Movie = Schemas['Movie'];
export type Show = Schemas['Show'];
export type SeatMap = Schemas['SeatMap'];
export type SeatStatus = Schemas['SeatState']['status'];
export type Hold = Schemas['Hold'];
export type Booking = Schemas['Booking'];
export type MyBooking = Schemas['MyBooking'];
export type BookingLimits = Schemas['BookingLimits'];
export type Order = Schemas['Order'];
export type ShowBooking = Schemas['ShowBooking'];
export type SalesReport = Schemas['SalesReport'];
export type SalesCounts = Schemas['SalesCounts'];


/** The typed client for the API on this origin (same paths, same types as openapi/openapi.json). */
export const api = createClient<paths>({ baseUrl: '' });

/** What signs in, out or rotates a session: never sent with the access token, never retried on a 401. */
const SESSION_PATHS = new Set(['/signup', '/login', '/login/refresh', '/logout']);
const retries = new WeakMap<Request, Request>();

/**
 * The access token on every request (refreshed first when it is about to
 * expire); a 401 on a request that carried one is retried once with a fresh
 * token, so an expired token never reaches the person using the app.
 */
const withSession: Middleware = {
  async onRequest({ request, schemaPath }) {
    if (SESSION_PATHS.has(schemaPath)) return request;
    const token = await session.accessToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    retries.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response }) {
    const retry = retries.get(request);
    retries.delete(request);
    if (response.status === 503 && retry && response.headers.has('queue-ticket')) return waitInLine(retry, response);
    if (response.status !== 401 || !retry) return response;
    const rejected = request.headers.get('authorization')?.slice('Bearer '.length);
    if (!rejected) return response;
    const token = await session.accessTokenAfterRejection(rejected);
    if (!token) return response;
    retry.headers.set('authorization', `Bearer ${token}`);
    return fetch(retry);
  },
};
api.use(withSession);

/** How long the app keeps a customer's place in a show's line before it says the show is busy. */
const LINE_PATIENCE_MS = 60_000;

/**
 * A show selling out answers 503 SHOW_BUSY with a ticket and a Retry-After
 * (see README, "A show selling out"): the app comes back when told, with the
 * ticket, so the customer keeps their place, and the page simply stays busy
 * a moment longer. Past LINE_PATIENCE_MS the last answer is the problem shown.
 */
async function waitInLine(request: Request, busy: Response): Promise<Response> {
  const giveUpAt = Date.now() + LINE_PATIENCE_MS;
  let answer = busy;
  while (answer.status === 503 && answer.headers.has('queue-ticket')) {
    const waitMs = Math.max(1, Number(answer.headers.get('retry-after')) || 1) * 1000;
    if (Date.now() + waitMs > giveUpAt) break;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    const again = request.clone();
    again.headers.set('queue-ticket', answer.headers.get('queue-ticket')!);
    answer = await fetch(again);
  }
  return answer;
}

/** The full count of a paged list (X-Total-Count). */
export const totalOf = (response: Response): number => Number(response.headers.get('x-total-count') ?? 0);

/** A new Idempotency-Key: a retried request with it changes nothing twice. */
export const newIdempotencyKey = (): string => crypto.randomUUID();

