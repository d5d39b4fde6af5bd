import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import TestAgent from 'supertest/lib/agent';
import { TokenService } from '../../src/auth/token.service';
import { ADMIN } from '../setup/test-app';

export interface TestUser {
  id: number;
  username: string;
  password: string;
  access: string;
  refresh: string;
}

const unique = () => randomBytes(4).toString('hex');
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export async function signupAndLogin(http: () => TestAgent, username = `user_${unique()}`): Promise<TestUser> {
  const password = 'password123';
  const signup = await http().post('/signup/').send({ username, email: `${username}@example.com`, password }).expect(201);
  const login = await http().post('/login/').send({ username, password }).expect(200);
  return { id: signup.body.id, username, password, access: login.body.access, refresh: login.body.refresh };
}

export async function adminToken(http: () => TestAgent): Promise<string> {
  const login = await http().post('/login/').send(ADMIN).expect(200);
  return login.body.access;
}

export async function createMovie(
  http: () => TestAgent,
  token: string,
  overrides: Partial<{ title: string; duration_minutes: number }> = {},
): Promise<{ id: number; title: string; duration_minutes: number }> {
  const res = await http()
    .post('/movies/')
    .set(bearer(token))
    .send({ title: `Movie ${unique()}`, duration_minutes: 120, ...overrides })
    .expect(201);
  return res.body;
}

/** A future show on a screen of its own, so shows made by different tests never overlap. */
export async function createShow(
  http: () => TestAgent,
  token: string,
  movieId: number,
  overrides: Partial<{ screen_name: string; date_time: string; total_seats: number }> = {},
): Promise<{ id: number; total_seats: number; date_time: string; screen_name: string; available_seats: number }> {
  const res = await http()
    .post(`/movies/${movieId}/shows/`)
    .set(bearer(token))
    .send({
      screen_name: `Screen ${unique()}`,
      date_time: new Date(Date.now() + 7 * 86400_000).toISOString(),
      total_seats: 50,
      ...overrides,
    })
    .expect(201);
  return res.body;
}

interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Asserts an RFC 9457 problem+json answer with the given status and code; returns the body for further checks. */
export function expectProblem(res: ProblemResponse, status: number, code: string): Record<string, unknown> {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
  });
  return res.body;
}

/** The `field`s named by a VALIDATION_FAILED answer. */
export function invalidFields(res: ProblemResponse): string[] {
  expectProblem(res, 400, 'VALIDATION_FAILED');
  const errors = res.body.errors as { field: string; message: string }[];
  expect(Array.isArray(errors)).toBe(true);
  for (const error of errors) expect(error).toEqual({ field: expect.any(String), message: expect.any(String) });
  return [...new Set(errors.map((error) => error.field))];
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
    `INSERT INTO users (username, email, password_hash)
     SELECT n, n || '@example.com', 'placeholder-not-a-hash' FROM unnest($1::text[]) AS n
     RETURNING id, username`,
    [names],
  );
  const tokens = app.get(TokenService);
  return rows.map((row) => ({ ...row, access: tokens.signAccess({ id: row.id, username: row.username, role: 'customer' }) }));
}
