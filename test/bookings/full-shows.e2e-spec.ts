import { ManualClock } from '../../src/common/clock';
import { Database } from '../../src/database/database';
import { SeatEventsService } from '../../src/seat-events/seat-events.service';
import { BookingWorld, bookingWorld } from '../factories';
import { startTestApp, TestApp } from '../setup/test-app';
import { expectProblem } from '../support/problem';
import { waitFor } from '../support/wait';

/** A sell-out's late requests are refused SHOW_FULL from memory, and only while that is still true. */
describe('a full show, known without asking the database (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let bookingStatements: jest.SpyInstance;

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld({ clock }));
    await ctx.app.get(SeatEventsService).ready();
  });
  beforeEach(() => {
    clock.set(new Date());
    bookingStatements = jest.spyOn(ctx.app.get(Database), 'rows');
  });
  afterEach(() => bookingStatements.mockRestore());
  afterAll(() => ctx?.teardown());

  const statementsRun = () => bookingStatements.mock.calls.filter(([statement]) => statement.name === 'book-seats').length;

  /** A show of `seats` seats, every one booked, and the booking statement's own SHOW_FULL seen once. */
  async function fullShow(seats = 3) {
    const show = await newShow(seats);
    await api.book(john, show.id, Array.from({ length: seats }, (_, i) => i + 1)).expect(201);
    expectProblem(await api.book(jane, show.id, 1), 409, 'SHOW_FULL');
    // The mark is set once the statement's answer is in; the next request finds it.
    await waitFor('the show to be known full', async () => {
      const before = statementsRun();
      expectProblem(await api.book(jane, show.id, 2), 409, 'SHOW_FULL');
      return statementsRun() === before;
    });
    return show;
  }

  it('answers SHOW_FULL with the seats asked for, as the database would, and runs no booking statement', async () => {
    const show = await fullShow();
    const before = statementsRun();
    const res = await api.book(jane, show.id, [3, 1]);
    expect(expectProblem(res, 409, 'SHOW_FULL')).toMatchObject({ seats: [1, 3] });
    expect(statementsRun()).toBe(before);
  });

  it('forgets it the moment a seat is cancelled, through this instance or another', async () => {
    const show = await fullShow();
    const bookings = (await api.myBookings(john, { show_id: show.id }).expect(200)).body as { id: number; seat_number: number }[];
    await api.cancel(john, bookings.find((b) => b.seat_number === 2)!.id).expect(200);
    await api.book(jane, show.id, 2).expect(201);

    const other: TestApp = await startTestApp(ctx.db.url, { clock });
    try {
      await other.app.get(SeatEventsService).ready();
      const again = await fullShow();
      const mine = (await api.myBookings(john, { show_id: again.id }).expect(200)).body as { id: number; seat_number: number }[];
      await api.cancel(john, mine[0].id, { via: other }).expect(200);
      await waitFor('the cancel to reach this instance', async () => (await api.book(jane, again.id, mine[0].seat_number)).status === 201);
    } finally {
      await other.close();
    }
  });

  it('leaves the refusals that rank first to the database: a seat out of range, a show that has started or moved', async () => {
    const show = await fullShow();
    expectProblem(await api.book(jane, show.id, 99), 400, 'SEAT_OUT_OF_RANGE');
    await api.updateShow(admin, show.id, { total_seats: 4 }).expect(200);
    await api.book(jane, show.id, 4).expect(201);

    const later = await fullShow();
    clock.set(new Date(Date.parse(later.date_time) + 1000));
    expectProblem(await api.book(jane, later.id, 1), 409, 'SHOW_STARTED');
  });
});
