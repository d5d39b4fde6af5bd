import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import TestAgent from 'supertest/lib/agent';
import { TokenService } from '../../src/auth/token.service';
import { ADMIN, E2eContext, setupE2e, TestAppOptions } from '../setup/test-app';
import { ApiClient, apiOf } from '../support/api';

export interface TestUser {
  id: number;
  username: string;
  password: string;
  access: string;
  refresh: string;
}

/** A short random suffix that keeps names made by different tests apart. */
export const unique = () => randomBytes(4).toString('hex');
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export async function signupAndLogin(http: () => TestAgent, username = `user_${unique()}`): Promise<TestUser> {
  const password = 'password123';
  const signup = await apiOf({ http }).signup({ username, email: `${username}@example.com`, password }).expect(201);
  return logIn(http, { id: signup.body.id, username, password });
}

/** A new session of an existing user: a login, so fresh access and refresh tokens. */
export async function logIn(http: () => TestAgent, user: Pick<TestUser, 'id' | 'username' | 'password'>): Promise<TestUser> {
  const login = await apiOf({ http }).login({ username: user.username, password: user.password }).expect(200);
  return { id: user.id, username: user.username, password: user.password, access: login.body.access, refresh: login.body.refresh };
}

export async function adminToken(http: () => TestAgent): Promise<string> {
  const login = await apiOf({ http }).login(ADMIN).expect(200);
  return login.body.access;
}

/**
 * Door staff: a new account the admin makes `staff` (PATCH /users/{id}/),
 * logged in again afterwards, since the role travels in the access token and
 * the change ended the account's first session.
 */
export async function signupStaff(http: () => TestAgent, admin: string): Promise<TestUser> {
  const user = await signupAndLogin(http, `staff_${unique()}`);
  await apiOf({ http }).updateUser(admin, user.id, 'staff').expect(200);
  return logIn(http, user);
}

export async function createMovie(
  http: () => TestAgent,
  token: string,
  overrides: Partial<{ title: string; duration_minutes: number }> = {},
): Promise<{ id: number; title: string; duration_minutes: number }> {
  const res = await apiOf({ http })
    .createMovie(token, { title: `Movie ${unique()}`, duration_minutes: 120, ...overrides })
    .expect(201);
  return res.body;
}

export interface ShowFields {
  screen_name: string;
  date_time: string;
  total_seats: number;
  /** Minor units; absent: a free show. */
  price?: number;
  currency?: string;
}

export interface CreatedShow extends ShowFields {
  id: number;
  movie_id: number;
  movie_title: string;
  available_seats: number;
}

/** A future show on a screen of its own, so shows made by different tests never overlap. */
export async function createShow(http: () => TestAgent, token: string, movieId: number, overrides: Partial<ShowFields> = {}): Promise<CreatedShow> {
  const res = await apiOf({ http })
    .createShow(token, movieId, {
      screen_name: `Screen ${unique()}`,
      // Three days ahead: specs that move the Clock to the show's start stay inside the week their tokens live.
      date_time: new Date(Date.now() + 3 * 86400_000).toISOString(),
      total_seats: 50,
      ...overrides,
    })
    .expect(201);
  return res.body;
}

/** A customer made without the HTTP signup: enough to call the API as them. */
export interface Customer {
  id: number;
  username: string;
  access: string;
}

/**
 * Many customers at once for load-style specs: the rows go straight into the
 * database (no argon2 hash per user, which would cost seconds) and the access
 * tokens are signed by the running app's own TokenService, so they are exactly
 * what /login/ would hand out. The password hash is a placeholder: these users
 * cannot log in, and need not.
 */
export async function insertCustomers(app: INestApplication, pool: Pool, count: number): Promise<Customer[]> {
  const names = Array.from({ length: count }, (_, i) => `bulk_${unique()}_${i}`);
  const { rows } = await pool.query<{ id: number; username: string }>(
    `INSERT INTO users (username, username_key, email, password_hash)
     SELECT n, lower(n), n || '@example.com', 'placeholder-not-a-hash' FROM unnest($1::text[]) AS n
     RETURNING id, username`,
    [names],
  );
  const tokens = app.get(TokenService);
  return rows.map((row) => ({ ...row, access: tokens.signAccess({ id: row.id, username: row.username, role: 'customer' }) }));
}

/*
 * Worlds: what a spec file sets up once, in beforeAll, and tears down in afterAll.
 * A spec takes the parts it uses into its own variables, so its tests read as before:
 *
 *   const clock = new ManualClock();
 *   let { ctx, api, john, newShow } = {} as BookingWorld; // assigned in beforeAll
 *   beforeAll(async () => {
 *     ({ ctx, api, john, newShow } = await bookingWorld({ clock }));
 *   });
 *   afterAll(() => ctx?.teardown());
 *
 * What only one spec needs (a third customer, a stopped scheduler) stays in that spec, after the call.
 */

/** The app on a fresh database of its own, its API client, and the seeded admin's token. */
export interface AdminWorld {
  ctx: E2eContext;
  api: ApiClient;
  admin: string;
}

async function adminWorld(options: TestAppOptions): Promise<AdminWorld> {
  const ctx = await setupE2e(options);
  return { ctx, api: apiOf(ctx), admin: await adminToken(ctx.http) };
}

export interface CustomerWorld extends AdminWorld {
  /** A customer signed up and logged in over HTTP. */
  customer: TestUser;
}

/** The app (with the given clock and env), the admin and one customer: for specs that make their own movies. */
export async function customerWorld(options: TestAppOptions = {}): Promise<CustomerWorld> {
  const world = await adminWorld(options);
  return { ...world, customer: await signupAndLogin(world.ctx.http) };
}

/** A world with one movie to hang shows on. */
export interface MovieWorld extends AdminWorld {
  movieId: number;
  /** A new show of that movie (see createShow) with `totalSeats` seats; `overrides` sets the other fields. */
  newShow(totalSeats?: number, overrides?: Partial<Omit<ShowFields, 'total_seats'>>): Promise<CreatedShow>;
}

async function withMovie(world: AdminWorld): Promise<MovieWorld> {
  const { ctx, admin } = world;
  const movieId = (await createMovie(ctx.http, admin)).id;
  const newShow: MovieWorld['newShow'] = (totalSeats = 10, overrides = {}) =>
    createShow(ctx.http, admin, movieId, { ...overrides, total_seats: totalSeats });
  return { ...world, movieId, newShow };
}

export interface BookingWorld extends MovieWorld {
  /** Two customers signed up and logged in over HTTP, who book, hold and cancel against each other. */
  john: TestUser;
  jane: TestUser;
}

/** The app (with the given clock and env), the admin, two customers and one movie. */
export async function bookingWorld(options: TestAppOptions = {}): Promise<BookingWorld> {
  const world = await adminWorld(options);
  const [john, jane] = await Promise.all([signupAndLogin(world.ctx.http), signupAndLogin(world.ctx.http)]);
  return { ...(await withMovie(world)), john, jane };
}

export interface CrowdWorld extends MovieWorld {
  /** Customers inserted in bulk (see insertCustomers), for load-style specs. */
  users: Customer[];
}

/** The app (with the given clock and env), the admin, `count` customers and one movie. */
export async function crowdWorld(count: number, options: TestAppOptions = {}): Promise<CrowdWorld> {
  const world = await adminWorld(options);
  const users = await insertCustomers(world.ctx.app, world.ctx.db.pool, count);
  return { ...(await withMovie(world)), users };
}
