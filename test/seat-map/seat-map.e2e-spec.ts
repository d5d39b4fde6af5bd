import type { Response } from 'supertest';
import { HoldExpiryScheduler } from '../../src/bookings/holds/hold-expiry.scheduler';
import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, Customer, insertCustomers } from '../factories';
import { expectProblem } from '../support/problem';
import { byStatus, range, SeatMap, SeatStatus } from '../support/seats';

const statusOf = (map: SeatMap, seat: number) => map.seats.find((s) => s.seat_number === seat)?.status;

describe('seat map GET /shows/{id}/seats/ (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, john, jane, newShow } = await bookingWorld({ clock, env: { HOLD_TTL_SECONDS: '60' } }));
    // Expiry must show without the sweeper's help.
    ctx.app.get(HoldExpiryScheduler).onApplicationShutdown();
  });

  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  it('the shape: show_id, total_seats, available_seats and every seat in order, all available for a new show; public', async () => {
    const show = await newShow(6);
    const res = await api.seatMap(show.id).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      show_id: show.id,
      show_status: 'scheduled',
      total_seats: 6,
      available_seats: 6,
      seats: range(1, 6).map((seat_number) => ({ seat_number, label: `A${seat_number}`, row: 'A', kind: 'standard', status: 'available' })),
      // A show made by screen name has its screen's plan: rows of at most 20, no aisles (API.md Part 4).
      rows: [{ label: 'A', seats: range(1, 6).map((seat_number) => ({ seat_number, label: `A${seat_number}`, kind: 'standard' })) }],
    });
    const noSlash = await ctx.http().get(`/shows/${show.id}/seats`).expect(200);
    expect(noSlash.body).toEqual(res.body);
  });

  it('booked, held and available seats each show as such; available_seats counts only the available ones', async () => {
    const show = await newShow(8);
    await api.book(john, show.id, [1, 8]).expect(201);
    await api.hold(jane, show.id, [4, 5]).expect(201);
    const map: SeatMap = (await api.seatMap(show.id).expect(200)).body;
    expect(byStatus(map)).toEqual({ available: [2, 3, 6, 7], held: [4, 5], booked: [1, 8] });
    expect(map.available_seats).toBe(4);
    expect(map.seats.every((s) => Object.keys(s).sort().join() === 'kind,label,row,seat_number,status')).toBe(true);
    const showRes = await api.show(show.id).expect(200);
    expect(showRes.body.available_seats).toBe(4);
  });

  describe('ETag and If-None-Match', () => {
    it('carries an ETag; the same ETag is answered 304 with an empty body; repeated reads keep the ETag', async () => {
      const show = await newShow(5);
      const first = await api.seatMap(show.id).expect(200);
      const etag = first.headers.etag;
      expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
      const again = await api.seatMap(show.id).expect(200);
      expect(again.headers.etag).toBe(etag);

      const notModified = await api.seatMap(show.id, etag);
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
      expect(notModified.body).toEqual({});
      expect(notModified.headers.etag).toBe(etag);
    });

    it('304 also for the ETag in a list or in weak form; 200 with the body for a stale or foreign ETag', async () => {
      const show = await newShow(5);
      const other = await newShow(5);
      const { etag } = (await api.seatMap(show.id).expect(200)).headers;
      expect((await api.seatMap(show.id, `"nope", ${etag}`)).status).toBe(304);
      expect((await api.seatMap(show.id, `W/${etag}`)).status).toBe(304);
      const stale = await api.seatMap(show.id, '"not-the-etag"').expect(200);
      expect(stale.body.show_id).toBe(show.id);
      // Two shows in the same state are still two different representations.
      const foreign = await api.seatMap(other.id, etag).expect(200);
      expect(foreign.headers.etag).not.toBe(etag);
      expect(foreign.body.show_id).toBe(other.id);
    });

    it('every change (book, cancel, hold, release, confirm, expiry) changes the ETag, and the old ETag gets the new map', async () => {
      const show = await newShow(6);
      let etag = (await api.seatMap(show.id).expect(200)).headers.etag;

      /** After a change: the old ETag no longer matches, the map shows `expected`, and the new ETag gives 304. */
      async function expectChanged(step: string, expected: Record<SeatStatus, number[]>) {
        const res = await api.seatMap(show.id, etag);
        expect({ step, status: res.status }).toEqual({ step, status: 200 });
        expect({ step, seats: byStatus(res.body) }).toEqual({ step, seats: expected });
        expect({ step, available_seats: res.body.available_seats }).toEqual({ step, available_seats: expected.available.length });
        expect({ step, changed: res.headers.etag !== etag }).toEqual({ step, changed: true });
        etag = res.headers.etag;
        expect({ step, status: (await api.seatMap(show.id, etag)).status }).toEqual({ step, status: 304 });
      }

      const booking = (await api.book(john, show.id, 2).expect(201)).body;
      await expectChanged('book', { available: [1, 3, 4, 5, 6], held: [], booked: [2] });

      await api.cancel(john, booking.id).expect(200);
      await expectChanged('cancel', { available: range(1, 6), held: [], booked: [] });

      const held = (await api.hold(jane, show.id, [5, 6]).expect(201)).body;
      await expectChanged('hold', { available: [1, 2, 3, 4], held: [5, 6], booked: [] });

      await api.release(jane, held.id).expect(204);
      await expectChanged('release', { available: range(1, 6), held: [], booked: [] });

      const second = (await api.hold(jane, show.id, [3]).expect(201)).body;
      await expectChanged('second hold', { available: [1, 2, 4, 5, 6], held: [3], booked: [] });
      await api.confirm(jane, second.id).expect(201);
      await expectChanged('confirm', { available: [1, 2, 4, 5, 6], held: [], booked: [3] });

      await api.hold(john, show.id, [1]).expect(201);
      await expectChanged('third hold', { available: [2, 4, 5, 6], held: [1], booked: [3] });
      clock.advance(60_000);
      await expectChanged('expiry (time alone, no write)', { available: [1, 2, 4, 5, 6], held: [], booked: [3] });

      await api.book(jane, show.id, [1, 2]).expect(201);
      await expectChanged('multi-seat book', { available: [4, 5, 6], held: [], booked: [1, 2, 3] });
    });
  });

  describe('reads never lag behind answered writes', () => {
    let customers: Customer[];

    beforeAll(async () => {
      customers = await insertCustomers(ctx.app, ctx.db.pool, 30);
    });

    /**
     * Event order by a counter: a write's answer gets a tick when it arrives, a
     * read gets one just before it is sent. A write answered at tick t must be
     * visible in every read sent after t.
     */
    it('30 parallel bookings then 15 parallel cancels, interleaved with seat-map reads: every answered change is in every later read', async () => {
      const show = await newShow(40);
      let tick = 0;
      interface Read {
        sentAt: number;
        answeredAt: number;
        map: SeatMap;
        etag: string;
      }
      const reads: Read[] = [];
      let writing = true;

      async function reader() {
        while (writing) {
          const sentAt = tick++;
          const res = await api.seatMap(show.id);
          expect(res.status).toBe(200);
          reads.push({ sentAt, answeredAt: tick++, map: res.body, etag: res.headers.etag });
        }
      }

      async function timed(request: () => PromiseLike<Response>) {
        const sentAt = tick++;
        const res = await request();
        return { res, sentAt, at: tick++ };
      }

      const readers = Promise.all([reader(), reader(), reader()]);
      const bookings = await Promise.all(customers.map((c, i) => timed(() => api.book(c, show.id, i + 1))));
      const cancels = await Promise.all(bookings.slice(0, 15).map(({ res }, i) => timed(() => api.cancel(customers[i], res.body.id))));
      writing = false;
      await readers;
      const finalSentAt = tick++;
      const final = await api.seatMap(show.id).expect(200);
      reads.push({ sentAt: finalSentAt, answeredAt: tick++, map: final.body, etag: final.headers.etag });

      expect(bookings.map(({ res }) => res.status)).toEqual(customers.map(() => 201));
      expect(cancels.map(({ res }) => res.status)).toEqual(cancels.map(() => 200));
      expect(reads.length).toBeGreaterThan(3);

      const lagging: string[] = [];
      for (const read of reads) {
        bookings.forEach((booking, i) => {
          const seat = i + 1;
          const status = statusOf(read.map, seat);
          const cancelled = cancels[i];
          const where = `seat ${seat} in the read sent at tick ${read.sentAt}`;
          if (status === 'held') lagging.push(`${where} is held, but nobody held it`);
          if (cancelled && cancelled.at < read.sentAt) {
            if (status !== 'available') lagging.push(`${where} is ${status} although its cancel was answered at tick ${cancelled.at}`);
          } else if (booking.at < read.sentAt && (!cancelled || read.answeredAt < cancelled.sentAt)) {
            if (status !== 'booked') lagging.push(`${where} is ${status} although its booking was answered at tick ${booking.at}`);
          }
        });
        if (range(31, 40).some((seat) => statusOf(read.map, seat) !== 'available')) lagging.push('a seat nobody booked is not available');
        const { available } = byStatus(read.map);
        if (read.map.available_seats !== available.length) lagging.push(`available_seats ${read.map.available_seats} ≠ ${available.length}`);
      }
      expect(lagging).toEqual([]);

      // A read answered before another was sent never shows more than the later one for seats that only get booked (16..30).
      for (const earlier of reads) {
        for (const later of reads) {
          if (earlier.answeredAt >= later.sentAt) continue;
          for (const seat of range(16, 30)) {
            if (statusOf(earlier.map, seat) === 'booked' && statusOf(later.map, seat) !== 'booked') {
              lagging.push(`seat ${seat} went back from booked between reads ${earlier.sentAt} and ${later.sentAt}`);
            }
          }
        }
      }
      expect(lagging).toEqual([]);

      // Equal maps have equal ETags and different maps different ones.
      const etagByBody = new Map<string, string>();
      for (const read of reads) {
        const body = JSON.stringify(read.map);
        expect(etagByBody.get(body) ?? read.etag).toBe(read.etag);
        etagByBody.set(body, read.etag);
      }
      expect(new Set(etagByBody.values()).size).toBe(etagByBody.size);

      expect(byStatus(final.body)).toEqual({ available: [...range(1, 15), ...range(31, 40)], held: [], booked: range(16, 30) });
    });
  });

  describe('errors', () => {
    it('404 SHOW_NOT_FOUND for a show that does not exist', async () => {
      expectProblem(await api.seatMap(2_147_483_647), 404, 'SHOW_NOT_FOUND');
    });

    it.each(['abc', '0', '-1', '1.5', '1e1', '0x1', '99999999999'])('400 VALIDATION_FAILED for the show id %p', async (id) => {
      expectProblem(await api.seatMap(id), 400, 'VALIDATION_FAILED');
    });
  });
});
