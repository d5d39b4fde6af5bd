import { TestApp } from '../setup/test-app';
import { adminToken, createMovie, createShow, signupAndLogin, TestUser } from '../factories';

/** On an app already running: a customer and a future show of `seats` seats. */
export async function bookingWorldOn(app: TestApp, seats = 10): Promise<{ customer: TestUser; showId: number; admin: string }> {
  const admin = await adminToken(app.http);
  const movie = await createMovie(app.http, admin);
  const show = await createShow(app.http, admin, movie.id, { total_seats: seats });
  return { customer: await signupAndLogin(app.http), showId: show.id, admin };
}
