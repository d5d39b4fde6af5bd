import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld } from '../factories';
import { expectProblem } from '../support/problem';
import { instantOf, wallClock } from '../support/time';

interface ListedShow {
  id: number;
  date_time: string;
  local_date_time: string;
  movie_title: string;
  available_seats: number;
  cinema: { id: number; name: string; time_zone: string };
}

const MINUTE = 60_000;

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 60 * MINUTE).toISOString().slice(0, 10);

describe.each(['Pacific/Auckland', 'America/Los_Angeles'])("what's on: a day in the cinema's own time zone, %s (e2e)", (zone) => {
  const clock = new ManualClock();
  let { ctx, api, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, newShow } = await bookingWorld({ clock, env: { CINEMA_TIME_ZONE: zone, CINEMA_NAME: 'Roxy' } }));
  });
  beforeEach(() => clock.set(new Date()));
  afterAll(async () => {
    await ctx?.teardown();
  });

  it('GET /cinemas/ names the cinema and its zone', async () => {
    expect((await api.cinemas().expect(200)).body).toEqual([{ id: 1, name: 'Roxy', time_zone: zone }]);
  });

  it("lists the shows from the cinema's midnight to the next, across midnight UTC, each with its start on the cinema's clock; today by default", async () => {
    // Three days ahead, as the cinema counts days.
    const day = wallClock(Date.now() + 3 * 24 * 60 * MINUTE, zone).slice(0, 10);
    const start = instantOf(`${day} 00:00`, zone);
    const end = instantOf(`${nextDay(day)} 00:00`, zone);
    const at = (t: number) => new Date(t).toISOString();
    const before = await newShow(10, { date_time: at(start - MINUTE) });
    const first = await newShow(10, { date_time: at(start) });
    const noon = await newShow(10, { date_time: at(start + 12 * 60 * MINUTE + 30 * MINUTE) });
    const last = await newShow(10, { date_time: at(end - MINUTE) });
    const after = await newShow(10, { date_time: at(end) });
    // The day crosses midnight UTC (both zones are far from UTC), so a UTC day would split it.
    expect(new Date(start).toISOString().slice(0, 10)).not.toBe(new Date(end - MINUTE).toISOString().slice(0, 10));

    const res = await api.showsOnDay({ date: day }).expect(200);
    const listed = res.body as ListedShow[];
    const mine = listed.filter((s) => [before, first, noon, last, after].some((made) => made.id === s.id));
    expect(mine.map((s) => s.id)).toEqual([first.id, noon.id, last.id]);
    expect(Number(res.headers['x-total-count'])).toBe(listed.length);
    for (const show of mine) {
      expect(show.cinema).toEqual({ id: 1, name: 'Roxy', time_zone: zone });
      // The same instant, and on the cinema's clock that day.
      expect(Date.parse(show.local_date_time)).toBe(Date.parse(show.date_time));
      expect(show.local_date_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
      expect(show.local_date_time.slice(0, 16).replace('T', ' ')).toBe(wallClock(Date.parse(show.date_time), zone));
      expect(show.local_date_time.slice(0, 10)).toBe(day);
      expect(show).toMatchObject({ movie_title: expect.any(String), available_seats: 10 });
    }
    expect(mine[0].local_date_time.slice(11, 19)).toBe('00:00:00');
    expect(mine[2].local_date_time.slice(11, 19)).toBe('23:59:00');
    // One show, by id, says the same.
    expect((await api.show(noon.id).expect(200)).body).toMatchObject({ local_date_time: mine[1].local_date_time, cinema: { time_zone: zone } });

    // Without a date: today, in the cinema's zone.
    clock.set(new Date(start + 60 * MINUTE));
    const today = ((await api.showsOnDay().expect(200)).body as ListedShow[]).map((s) => s.id);
    expect(today).toEqual(expect.arrayContaining([first.id, noon.id, last.id]));
    expect(today).not.toContain(before.id);
    expect(today).not.toContain(after.id);
  });

  it('refuses a day that is not one, and a cinema that does not exist, with a problem', async () => {
    for (const date of ['2026-02-30', '2026-13-01', 'tomorrow', '2026-1-5', '']) {
      expectProblem(await api.showsOnDay({ date }), 400, 'VALIDATION_FAILED');
    }
    expectProblem(await api.showsOnDay({ cinema_id: 2 }), 404, 'CINEMA_NOT_FOUND');
    expectProblem(await api.showsOnDay({ cinema_id: 'one' }), 400, 'VALIDATION_FAILED');
  });
});
