import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { CrowdWorld, crowdWorld } from '../factories';

interface Answer {
  status: number;
  retryAfter: string | null;
  ticketHeader: string | null;
  body: { code?: string; place?: number; ticket?: string; retry_after?: number; seat_number?: number; type?: string };
  contentType: string;
}

/**
 * A sell-out on one show, through real HTTP requests sent at once: past
 * BOOKING_ADMISSION_PER_SHOW requests in flight, the rest are answered at once
 * with 503 SHOW_BUSY, a Retry-After and a numbered ticket; coming back with it
 * keeps their place; the seats are sold exactly once whatever the line does.
 * A transaction holding the show's seat rows keeps the admitted requests in
 * flight for as long as the spec needs (well inside the 5 s lock timeout).
 */
describe('the line of a show selling out (bounded admission, e2e)', () => {
  let world: CrowdWorld;
  let locker: Client;

  beforeAll(async () => {
    world = await crowdWorld(40, { env: { BOOKING_ADMISSION_PER_SHOW: '2', BOOKING_ADMISSION_WAIT_MS: '0' } });
    locker = new Client({ connectionString: world.ctx.db.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await world?.ctx.teardown();
  });

  const book = async (access: string, showId: number, seat: number, ticket?: string): Promise<Answer> => {
    const res = await fetch(`${world.ctx.url}/shows/${showId}/book/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${access}`, ...(ticket ? { 'queue-ticket': ticket } : {}) },
      body: JSON.stringify({ seat_number: seat }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), ticketHeader: res.headers.get('queue-ticket'), body: await res.json(), contentType: res.headers.get('content-type') ?? '' };
  };

  /** Holds every seat row of the show until `release` is called. */
  const lockSeats = async (showId: number) => {
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM seats WHERE show_id = $1 FOR UPDATE', [showId]);
    return () => locker.query('COMMIT');
  };
  const booked = async (showId: number) =>
    (await world.ctx.db.pool.query<{ seat_number: number }>(`SELECT seat_number FROM bookings WHERE show_id = $1 AND status = 'booked' ORDER BY seat_number`, [showId])).rows.map(
      (r) => r.seat_number,
    );

  it('answers a rush at once: two served, the rest 503 SHOW_BUSY with Retry-After and a ticket; with their tickets, every seat is sold once', async () => {
    const show = await world.newShow(5);
    const customers = world.users.slice(0, 30);
    const release = await lockSeats(show.id);
    const first = await Promise.all(
      customers.map(async (customer, i) => {
        const answer = book(customer.access, show.id, 1 + (i % 5));
        return { customer, seat: 1 + (i % 5), answer };
      }),
    );
    // The refused are answered while the two admitted still wait for the seats' lock.
    const refused: { customer: (typeof customers)[number]; seat: number; answer: Answer }[] = [];
    const admitted: Promise<Answer>[] = [];
    await Promise.race([
      sleep(3000),
      (async () => {
        for (const { customer, seat, answer } of first) {
          const settled = await Promise.race([answer, sleep(300).then(() => undefined)]);
          if (settled) refused.push({ customer, seat, answer: settled });
          else admitted.push(answer);
        }
      })(),
    ]);
    expect({ refused: refused.length, admitted: admitted.length }).toEqual({ refused: 28, admitted: 2 });
    for (const { answer } of refused) {
      expect(answer).toMatchObject({ status: 503, contentType: expect.stringMatching(/^application\/problem\+json/), body: { code: 'SHOW_BUSY' } });
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(answer.ticketHeader).toBe(answer.body.ticket);
      expect(answer.body.retry_after).toBe(Number(answer.retryAfter));
    }
    // Places 1..28, each once, in the order the line numbered them.
    expect(refused.map((r) => r.answer.body.place).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    await release();
    expect((await Promise.all(admitted)).map((a) => a.status).sort()).toEqual([201, 201]);

    // Everyone comes back with their ticket when told, until answered for good.
    const finals = await Promise.all(
      refused.map(async ({ customer, seat, answer }) => {
        let last = answer;
        for (let round = 0; last.status === 503 && round < 30; round++) {
          await sleep(Number(last.retryAfter) * 1000);
          last = await book(customer.access, show.id, seat, last.body.ticket);
        }
        return last;
      }),
    );
    expect(finals.filter((a) => a.status !== 201 && a.status !== 409)).toEqual([]);
    expect(finals.filter((a) => a.status === 409).every((a) => a.body.code === 'SEAT_TAKEN' || a.body.code === 'SHOW_FULL')).toBe(true);
    expect(finals.filter((a) => a.status === 201).length).toBe(3);
    expect(await booked(show.id)).toEqual([1, 2, 3, 4, 5]);
  }, 60_000);

  it('serves by the number asked, not by who comes back first: an early ticket waits, a later ticket and a newcomer give way', async () => {
    const show = await world.newShow(10);
    const [a, b, c, d, e, newcomer] = world.users.slice(30, 36);
    const release = await lockSeats(show.id);
    const inFlight = [book(a.access, show.id, 1), book(b.access, show.id, 2)];
    await sleep(200);
    const first = await book(c.access, show.id, 3);
    const second = await book(d.access, show.id, 4);
    expect([first.body.place, second.body.place]).toEqual([1, 2]);
    await release();
    expect((await Promise.all(inFlight)).map((x) => x.status)).toEqual([201, 201]);

    // Back before its time: the same ticket and place, not served.
    const early = await book(d.access, show.id, 4, second.body.ticket);
    expect(early).toMatchObject({ status: 503, body: { code: 'SHOW_BUSY', place: 2, ticket: second.body.ticket } });

    await sleep(Number(second.retryAfter) * 1000 + 100);
    // Both tickets are due, neither used: their places are kept for them; a newcomer gets a place behind.
    const late = await book(newcomer.access, show.id, 9);
    expect(late).toMatchObject({ status: 503, body: { code: 'SHOW_BUSY', place: 3 } });
    // The second ticket comes back first and is served: the line has room for both due tickets (2 at once).
    expect((await book(d.access, show.id, 4, second.body.ticket)).status).toBe(201);
    expect((await book(c.access, show.id, 3, first.body.ticket)).status).toBe(201);
    // A ticket from another show, or a forged one, is no place in this line: treated as a newcomer.
    expect(await book(e.access, show.id, 5, `${first.body.ticket}x`)).toMatchObject({ status: 201 });
    expect(await booked(show.id)).toEqual([1, 2, 3, 4, 5]);
  }, 60_000);
});
