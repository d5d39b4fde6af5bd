import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, logIn, signupAndLogin, signupStaff, unique } from '../factories';
import { expectProblem, invalidFields } from '../support/problem';

describe('the staff role, granted by admins (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, admin, john, newShow } = await bookingWorld({ clock }));
  });

  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  /** John's ticket for a show tomorrow whose door is open (the clock 10 minutes before it starts). */
  async function openDoorTicket(): Promise<{ showId: number; code: string }> {
    const show = await newShow(10, { date_time: new Date(clock.now().getTime() + 86400_000).toISOString() });
    const booking = (await api.book(john, show.id, 1).expect(201)).body;
    clock.set(new Date(new Date(show.date_time).getTime() - 10 * 60_000));
    return { showId: show.id, code: booking.ticket_code };
  }

  describe('PATCH /users/{id}/ {role}', () => {
    it('makes a customer staff: 200 with the account; their sessions end, and after logging in again they check tickets in', async () => {
      const door = await signupAndLogin(ctx.http, `door_${unique()}`);
      const { showId, code } = await openDoorTicket();
      expectProblem(await api.checkIn(door, code, showId), 403, 'FORBIDDEN');

      const res = await api.updateUser(admin, door.id, 'staff').expect(200);
      expect(res.body).toEqual({ id: door.id, username: door.username, email: `${door.username}@example.com`, role: 'staff' });

      // The role travels in the access token: the old one still says customer, and its refresh token is revoked.
      expectProblem(await api.checkIn(door, code, showId), 403, 'FORBIDDEN');
      expectProblem(await api.refresh(door.refresh), 401);
      const again = await logIn(ctx.http, door);
      expect((await api.me(again).expect(200)).body.role).toBe('staff');
      await api.checkIn(again, code, showId).expect(201);
    });

    it('ends every session of the account (each refresh token), and only when the role changes', async () => {
      const user = await signupAndLogin(ctx.http);
      const other = await logIn(ctx.http, user);
      await api.updateUser(admin, user.id, 'customer').expect(200);
      await api.refresh(user.refresh).expect(200);
      await api.updateUser(admin, user.id, 'admin').expect(200);
      expectProblem(await api.refresh(other.refresh), 401);
      const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS live FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL`, [user.id]);
      expect(rows[0].live).toBe(0);
      expect((await api.me(await logIn(ctx.http, user)).expect(200)).body.role).toBe('admin');
    });

    it('takes the staff role back: a customer again is refused at the door', async () => {
      const staff = await signupStaff(ctx.http, admin);
      await api.updateUser(admin, staff.id, 'customer').expect(200);
      const { showId, code } = await openDoorTicket();
      expectProblem(await api.checkIn(await logIn(ctx.http, staff), code, showId), 403, 'FORBIDDEN');
    });

    it('404 USER_NOT_FOUND, 400 for a role that does not exist or a body with more, 403 for customers and staff', async () => {
      const staff = await signupStaff(ctx.http, admin);
      expectProblem(await api.updateUser(admin, 2_000_000_000, 'staff'), 404, 'USER_NOT_FOUND');
      expect(invalidFields(await api.updateUser(admin, john.id, 'root'))).toEqual(['role']);
      expect(invalidFields(await api.updateUser(admin, john.id, { body: {} }))).toEqual(['role']);
      expect(invalidFields(await api.updateUser(admin, john.id, { body: { role: 'staff', username: 'x' } }))).toEqual(['username']);
      expectProblem(await api.updateUser(admin, 'abc', 'staff'), 400, 'VALIDATION_FAILED');
      expectProblem(await api.updateUser(john, john.id, 'admin'), 403, 'FORBIDDEN');
      expectProblem(await api.updateUser(staff, john.id, 'staff'), 403, 'FORBIDDEN');
      expect((await api.me(john).expect(200)).body.role).toBe('customer');
    });
  });

  describe('GET /users/?search=', () => {
    it('finds accounts by a case-insensitive part of the username or the e-mail address, paged, with X-Total-Count', async () => {
      const tag = unique();
      const [a, b] = [await signupAndLogin(ctx.http, `Ticketeer_${tag}_a`), await signupAndLogin(ctx.http, `ticketeer_${tag}_b`)];
      const byName = await api.users(admin, { search: `TICKETEER_${tag}` }).expect(200);
      expect(byName.headers['x-total-count']).toBe('2');
      expect(byName.body).toEqual([
        { id: a.id, username: a.username, email: `${a.username}@example.com`, role: 'customer' },
        { id: b.id, username: b.username, email: `${b.username}@example.com`, role: 'customer' },
      ]);
      const byEmail = await api.users(admin, { search: `${tag}_b@EXAMPLE` }).expect(200);
      expect(byEmail.body.map((u: { id: number }) => u.id)).toEqual([b.id]);
      const page = await api.users(admin, { search: tag, limit: 1, offset: 1 }).expect(200);
      expect(page.headers['x-total-count']).toBe('2');
      expect(page.body.map((u: { id: number }) => u.id)).toEqual([b.id]);
      const pastTheEnd = await api.users(admin, { search: tag, offset: 5 }).expect(200);
      expect([pastTheEnd.body, pastTheEnd.headers['x-total-count']]).toEqual([[], '2']);
    });

    it('lists everyone without a search, and takes % and _ literally', async () => {
      const all = await api.users(admin).expect(200);
      expect(Number(all.headers['x-total-count'])).toBeGreaterThanOrEqual(3);
      expect(all.body.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['admin', john.username]));
      const wildcard = await api.users(admin, { search: '%' }).expect(200);
      expect([wildcard.body, wildcard.headers['x-total-count']]).toEqual([[], '0']);
    });

    it('is for admins only: 403 for customers and staff, 401 without a token, 400 for a bad page', async () => {
      expectProblem(await api.users(john), 403, 'FORBIDDEN');
      expectProblem(await api.users(await signupStaff(ctx.http, admin)), 403, 'FORBIDDEN');
      expectProblem(await api.users(undefined), 401);
      expect(invalidFields(await api.users(admin, 'limit=0'))).toEqual(['limit']);
    });
  });
});
