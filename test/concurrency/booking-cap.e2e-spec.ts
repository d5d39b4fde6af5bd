import { Response } from 'supertest';
import { BookingWorld, bookingWorld } from '../factories';
import { startTestApp, TestApp } from '../setup/test-app';
import { sendNow } from '../support/api';
import { tally } from '../support/answers';
import { range } from '../support/seats';

const CAP = 3;

/**
 * The booking cap (MAX_BOOKED_SEATS_PER_SHOW) is a count inside the booking
 * statement: exact only if a customer's bookings of a show never run at once.
 * One process's batcher keeps them apart; across instances (or workers) only
 * the database can, with the customer's lock.
 */
describe('the booking cap across instances (e2e)', () => {
  let { ctx, api, john, newShow } = {} as BookingWorld; // assigned in beforeAll
  let second: TestApp;

  beforeAll(async () => {
    const env = { MAX_BOOKED_SEATS_PER_SHOW: String(CAP) };
    ({ ctx, api, john, newShow } = await bookingWorld({ env }));
    second = await startTestApp(ctx.db.url, { env });
  });

  afterAll(async () => {
    await second?.close();
    await ctx?.teardown();
  });

  it('one customer racing bookings and a confirm through two instances never gets more than the cap', async () => {
    for (let round = 0; round < 5; round++) {
      const show = await newShow(40);
      const hold = (await api.hold(john, show.id, [39, 40]).expect(201)).body;
      const answers: Response[] = await Promise.all([
        ...range(1, 8).map((seat) => sendNow(api.book(john, show.id, seat, { via: seat % 2 ? second : ctx }))),
        sendNow(api.confirm(john, hold.id, { via: second })),
      ]);
      const booked = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE show_id = $1 AND user_id = $2 AND status = 'booked'`, [
        show.id,
        john.id,
      ]);
      expect(booked.rows[0].n).toBeLessThanOrEqual(CAP);
      // Every seat answered 201 is booked, and the cap was reached exactly.
      const created = answers.filter((res) => res.status === 201).flatMap((res) => [res.body].flat());
      expect(created).toHaveLength(booked.rows[0].n);
      expect(booked.rows[0].n).toBe(CAP);
      expect(Object.keys(tally(answers)).every((outcome) => ['201', '409 BOOKING_LIMIT_EXCEEDED'].includes(outcome))).toBe(true);
    }
  });
});
