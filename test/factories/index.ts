import { randomBytes } from 'node:crypto';
import TestAgent from 'supertest/lib/agent';
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
