import type { Response, Test } from 'supertest';
import type TestAgent from 'supertest/lib/agent';

/** Who calls: an access token, anything that carries one (a TestUser, a Customer), or nobody (no Authorization header). */
export type Caller = string | { access: string } | undefined;

/** Seats to book: a number sends `{seat_number}`, an array sends `{seat_numbers}`. */
export type Seats = number | number[];

/** A path id: a number, or any string for the bad-id cases. */
export type Id = number | string;

/** A query string as it is (`'limit=0'`), or fields supertest encodes. */
export type Query = string | Record<string, string | number>;

/** What a spec varies about one request. */
export interface CallOptions {
  /** Sent as the `Idempotency-Key` header. */
  key?: string;
  /** Set after everything else, so an `Authorization` here replaces the caller's. */
  headers?: Record<string, string>;
  /** Sent instead of the body the method builds, whatever it is: for bad-input tests. */
  body?: unknown;
  /** The app to send to instead of the client's own: a second instance on the same database. */
  via?: { http: () => TestAgent };
}

/** Options that carry the body themselves: for methods called without their usual arguments. */
export type RawBody = CallOptions & { body: unknown };

type Method = 'get' | 'post' | 'patch' | 'delete';

const tokenOf = (caller: Caller) => (typeof caller === 'string' ? caller : caller?.access);
const isOptions = (value: unknown): value is RawBody => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One typed client for the e2e specs: one method per endpoint, each returning
 * the supertest request, so a spec awaits it for the Response (and asserts its
 * status, body and headers) or chains `.expect(201)` as before. What a spec
 * varies (an Idempotency-Key, a raw body, another app, extra headers) goes in
 * the last argument. Deliberately odd requests (malformed JSON, other content
 * types, other paths) stay raw supertest calls in the spec.
 */
export class ApiClient {
  constructor(private readonly app: { http: () => TestAgent }) {}

  // --- auth

  signup(body: unknown, options?: CallOptions): Test {
    return this.send('post', '/signup/', undefined, body, options);
  }

  login(credentials: unknown, options?: CallOptions): Test {
    return this.send('post', '/login/', undefined, credentials, options);
  }

  /** POST /login/refresh/ with `{refresh}`; `refresh({ body })` sends any other body. */
  refresh(token: string, options?: CallOptions): Test;
  refresh(options: RawBody): Test;
  refresh(token: string | RawBody, options?: CallOptions): Test {
    if (isOptions(token)) return this.send('post', '/login/refresh/', undefined, undefined, token);
    return this.send('post', '/login/refresh/', undefined, { refresh: token }, options);
  }

  /** POST /logout/ with `{refresh}`; `logout({ body })` sends any other body. */
  logout(token: string, options?: CallOptions): Test;
  logout(options: RawBody): Test;
  logout(token: string | RawBody, options?: CallOptions): Test {
    if (isOptions(token)) return this.send('post', '/logout/', undefined, undefined, token);
    return this.send('post', '/logout/', undefined, { refresh: token }, options);
  }

  /** POST /password-reset/ with `{email}`. */
  requestPasswordReset(email: string, options?: CallOptions): Test {
    return this.send('post', '/password-reset/', undefined, { email }, options);
  }

  /** POST /password-reset/confirm/ with `{token, password}`. */
  confirmPasswordReset(token: string, password: string, options?: CallOptions): Test {
    return this.send('post', '/password-reset/confirm/', undefined, { token, password }, options);
  }

  me(caller: Caller, options?: CallOptions): Test {
    return this.send('get', '/me/', caller, undefined, options);
  }

  health(options?: CallOptions): Test {
    return this.send('get', '/health', undefined, undefined, options);
  }

  // --- catalogue

  movies(query?: Query, options?: CallOptions): Test {
    return this.withQuery(this.send('get', '/movies/', undefined, undefined, options), query);
  }

  movie(id: Id, options?: CallOptions): Test {
    return this.send('get', `/movies/${id}/`, undefined, undefined, options);
  }

  movieShows(movieId: Id, query?: Query, options?: CallOptions): Test {
    return this.withQuery(this.send('get', `/movies/${movieId}/shows/`, undefined, undefined, options), query);
  }

  show(id: Id, options?: CallOptions): Test {
    return this.send('get', `/shows/${id}/`, undefined, undefined, options);
  }

  createMovie(caller: Caller, fields: unknown, options?: CallOptions): Test {
    return this.send('post', '/movies/', caller, fields, options);
  }

  updateMovie(caller: Caller, id: Id, fields: unknown, options?: CallOptions): Test {
    return this.send('patch', `/movies/${id}/`, caller, fields, options);
  }

  deleteMovie(caller: Caller, id: Id, options?: CallOptions): Test {
    return this.send('delete', `/movies/${id}/`, caller, undefined, options);
  }

  createShow(caller: Caller, movieId: Id, fields: unknown, options?: CallOptions): Test {
    return this.send('post', `/movies/${movieId}/shows/`, caller, fields, options);
  }

  updateShow(caller: Caller, id: Id, fields: unknown, options?: CallOptions): Test {
    return this.send('patch', `/shows/${id}/`, caller, fields, options);
  }

  deleteShow(caller: Caller, id: Id, options?: CallOptions): Test {
    return this.send('delete', `/shows/${id}/`, caller, undefined, options);
  }

  /** POST /shows/{id}/cancel/ (admin). */
  cancelShow(caller: Caller, id: Id, options?: CallOptions): Test {
    return this.send('post', `/shows/${id}/cancel/`, caller, undefined, options);
  }

  // --- seats

  /** GET /shows/{id}/seats/, with `If-None-Match: etag` when given. */
  seatMap(showId: Id, etag?: string, options?: CallOptions): Test {
    const headers = etag === undefined ? options?.headers : { 'If-None-Match': etag, ...options?.headers };
    return this.send('get', `/shows/${showId}/seats/`, undefined, undefined, { ...options, headers });
  }

  /** POST /shows/{id}/book/: a number books `{seat_number}`, an array `{seat_numbers}`; `book(user, show, { body })` sends any body. */
  book(caller: Caller, showId: Id, seats: Seats, options?: CallOptions): Test;
  book(caller: Caller, showId: Id, options: RawBody): Test;
  book(caller: Caller, showId: Id, seats: Seats | RawBody, options?: CallOptions): Test {
    const path = `/shows/${showId}/book/`;
    if (isOptions(seats)) return this.send('post', path, caller, undefined, seats);
    return this.send('post', path, caller, Array.isArray(seats) ? { seat_numbers: seats } : { seat_number: seats }, options);
  }

  /** POST /shows/{id}/holds/ with `{seat_numbers}`; `hold(user, show, { body })` sends any body. */
  hold(caller: Caller, showId: Id, seats: number[], options?: CallOptions): Test;
  hold(caller: Caller, showId: Id, options: RawBody): Test;
  hold(caller: Caller, showId: Id, seats: number[] | RawBody, options?: CallOptions): Test {
    const path = `/shows/${showId}/holds/`;
    if (isOptions(seats)) return this.send('post', path, caller, undefined, seats);
    return this.send('post', path, caller, { seat_numbers: seats }, options);
  }

  confirm(caller: Caller, holdId: Id, options?: CallOptions): Test {
    return this.send('post', `/holds/${holdId}/confirm/`, caller, undefined, options);
  }

  release(caller: Caller, holdId: Id, options?: CallOptions): Test {
    return this.send('delete', `/holds/${holdId}/`, caller, undefined, options);
  }

  cancel(caller: Caller, bookingId: Id, options?: CallOptions): Test {
    return this.send('post', `/bookings/${bookingId}/cancel/`, caller, undefined, options);
  }

  myBookings(caller: Caller, query?: Query, options?: CallOptions): Test {
    return this.withQuery(this.send('get', '/my-bookings/', caller, undefined, options), query);
  }

  // --- orders and payment

  checkout(caller: Caller, holdId: Id, options?: CallOptions): Test {
    return this.send('post', `/holds/${holdId}/checkout/`, caller, undefined, options);
  }

  demoPay(caller: Caller, orderId: Id, cardNumber: string, options?: CallOptions): Test {
    return this.send('post', `/orders/${orderId}/demo-payment/`, caller, { card_number: cardNumber }, options);
  }

  order(caller: Caller, orderId: Id, options?: CallOptions): Test {
    return this.send('get', `/orders/${orderId}/`, caller, undefined, options);
  }

  myOrders(caller: Caller, query?: Query, options?: CallOptions): Test {
    return this.withQuery(this.send('get', '/my-orders/', caller, undefined, options), query);
  }

  // --- tickets and check-in

  /** GET /bookings/{id}/ticket.png: the body is the PNG, as a Buffer. */
  ticketPng(caller: Caller, bookingId: Id, options?: CallOptions): Test {
    return this.send('get', `/bookings/${bookingId}/ticket.png`, caller, undefined, options);
  }

  /** POST /check-ins/ with `{ticket_code, show_id?}`; `checkIn(staff, { body })` sends any body. */
  checkIn(caller: Caller, ticketCode: string, showId?: number, options?: CallOptions): Test;
  checkIn(caller: Caller, options: RawBody): Test;
  checkIn(caller: Caller, ticketCode: string | RawBody, showId?: number, options?: CallOptions): Test {
    if (isOptions(ticketCode)) return this.send('post', '/check-ins/', caller, undefined, ticketCode);
    return this.send('post', '/check-ins/', caller, showId === undefined ? { ticket_code: ticketCode } : { ticket_code: ticketCode, show_id: showId }, options);
  }

  checkInCounts(caller: Caller, showId: Id, options?: CallOptions): Test {
    return this.send('get', `/shows/${showId}/check-ins/`, caller, undefined, options);
  }

  /** GET /shows/{id}/bookings/ (staff, admin); `headers: { Accept: 'text/csv' }` or `{ format: 'csv' }` for the CSV. */
  showBookings(caller: Caller, showId: Id, query?: Query, options?: CallOptions): Test {
    return this.withQuery(this.send('get', `/shows/${showId}/bookings/`, caller, undefined, options), query);
  }

  // --- accounts (admin)

  users(caller: Caller, query?: Query, options?: CallOptions): Test {
    return this.withQuery(this.send('get', '/users/', caller, undefined, options), query);
  }

  /** GET /screens/ with `{cinema_id?}`. */
  screens(query?: Query, options?: CallOptions): Test {
    return this.withQuery(this.send('get', '/screens/', undefined, undefined, options), query);
  }

  screen(id: Id, options?: CallOptions): Test {
    return this.send('get', `/screens/${id}/`, undefined, undefined, options);
  }

  createScreen(caller: Caller, fields: unknown, options?: CallOptions): Test {
    return this.send('post', '/screens/', caller, fields, options);
  }

  updateScreen(caller: Caller, id: Id, fields: unknown, options?: CallOptions): Test {
    return this.send('patch', `/screens/${id}/`, caller, fields, options);
  }

  deleteScreen(caller: Caller, id: Id, options?: CallOptions): Test {
    return this.send('delete', `/screens/${id}/`, caller, undefined, options);
  }

  /** GET /cinemas/. */
  cinemas(options?: CallOptions): Test {
    return this.send('get', '/cinemas/', undefined, undefined, options);
  }

  /** GET /shows/ (what's on: a day in the cinema's zone) with `{date?, cinema_id?}`. */
  showsOnDay(query?: Query, options?: CallOptions): Test {
    return this.withQuery(this.send('get', '/shows/', undefined, undefined, options), query);
  }

  /** GET /reports/sales/ (admin) with `{from?, to?, cinema_id?}`. */
  salesReport(caller: Caller, query?: Query, options?: CallOptions): Test {
    return this.withQuery(this.send('get', '/reports/sales/', caller, undefined, options), query);
  }

  /** POST /cinemas/ (admin) with `{name, time_zone}`. */
  createCinema(caller: Caller, fields: unknown, options?: CallOptions): Test {
    return this.send('post', '/cinemas/', caller, fields, options);
  }

  /** PATCH /users/{id}/ with `{role}`; `updateUser(admin, id, { body })` sends any body. */
  updateUser(caller: Caller, id: Id, role: string, options?: CallOptions): Test;
  updateUser(caller: Caller, id: Id, options: RawBody): Test;
  updateUser(caller: Caller, id: Id, role: string | RawBody, options?: CallOptions): Test {
    if (isOptions(role)) return this.send('patch', `/users/${id}/`, caller, undefined, role);
    return this.send('patch', `/users/${id}/`, caller, { role }, options);
  }

  private send(method: Method, path: string, caller: Caller, body: unknown, options: CallOptions = {}): Test {
    const req = (options.via ?? this.app).http()[method](path);
    const token = tokenOf(caller);
    if (token !== undefined) req.set('Authorization', `Bearer ${token}`);
    if (options.key !== undefined) req.set('Idempotency-Key', options.key);
    if (options.headers) req.set(options.headers);
    const sent = 'body' in options ? options.body : body;
    return sent === undefined ? req : req.send(sent as object);
  }

  private withQuery(req: Test, query: Query | undefined): Test {
    return query === undefined ? req : req.query(query);
  }
}

/** Sends a request now: a supertest request only runs once awaited or then-ed, so one meant to race others is started with this. */
export const sendNow = (req: PromiseLike<Response>): Promise<Response> => Promise.resolve(req.then((res) => res));

/** The client for one app (an E2eContext, a TestApp): `const api = apiOf(ctx)`. */
export const apiOf = (app: { http: () => TestAgent }) => new ApiClient(app);
