import { addUp, daysFrom, salesReport } from './sales-report';
import type { SalesRow } from './sql/sales-report';

const row = (over: Partial<SalesRow>): SalesRow => ({
  show_id: 1,
  movie_id: 1,
  movie_title: 'Film',
  screen_id: 1,
  screen_name: 'Screen 1',
  date_time: new Date('2026-03-28T11:30:00Z'),
  local_date: '2026-03-29',
  status: 'scheduled',
  total_seats: 10,
  sold: 0,
  held: 0,
  free: 10,
  cancelled: 0,
  revenue: [{ currency: 'EUR', amount: 0 }],
  ...over,
});

describe('the sales report, put together', () => {
  it.each([
    ['2026-03-28', '2026-03-28', ['2026-03-28']],
    ['2028-02-28', '2028-03-01', ['2028-02-28', '2028-02-29', '2028-03-01']],
    ['2026-12-31', '2027-01-01', ['2026-12-31', '2027-01-01']],
    ['2026-03-02', '2026-03-01', []],
  ])('lists the calendar days from %s to %s, both included', (from, to, days) => {
    expect(daysFrom(from, to)).toEqual(days);
  });

  it('adds counts up, and money per currency, sorted by currency; nothing adds up to zeros and no money', () => {
    const a = { sold: 2, held: 1, free: 7, cancelled: 1, revenue: [{ currency: 'USD', amount: 900 }, { currency: 'EUR', amount: 2500 }] };
    const b = { sold: 1, held: 0, free: 9, cancelled: 0, revenue: [{ currency: 'EUR', amount: 0 }, { currency: 'CHF', amount: 1000 }] };
    expect(addUp([a, b])).toEqual({
      sold: 3,
      held: 1,
      free: 16,
      cancelled: 1,
      revenue: [
        { currency: 'CHF', amount: 1000 },
        { currency: 'EUR', amount: 2500 },
        { currency: 'USD', amount: 900 },
      ],
    });
    expect(addUp([])).toEqual({ sold: 0, held: 0, free: 0, cancelled: 0, revenue: [] });
  });

  it("files each show under its day in the cinema's zone, lists every day of the range, and adds up each day and the whole", () => {
    const range = { id: 1, name: 'Roxy', time_zone: 'Pacific/Auckland', from: '2026-03-28', to: '2026-03-30', days: 3 };
    const early = row({ show_id: 1, sold: 2, free: 8, revenue: [{ currency: 'EUR', amount: 2500 }] });
    const late = row({ show_id: 2, date_time: new Date('2026-03-30T10:00:00Z'), local_date: '2026-03-30', held: 1, free: 9 });
    const report = salesReport(range, [early, late], new Date('2026-03-28T00:00:00Z'));
    expect(report.days.map((day) => [day.date, day.shows.map((show) => show.show_id)])).toEqual([
      ['2026-03-28', []],
      ['2026-03-29', [1]],
      ['2026-03-30', [2]],
    ]);
    // 11:30 UTC on the 28th is half past midnight on the 29th in Auckland (NZDT, +13:00).
    expect(report.days[1].shows[0]).toMatchObject({ date_time: '2026-03-28T11:30:00.000Z', local_date_time: '2026-03-29T00:30:00+13:00' });
    expect(report.days[0].totals).toEqual({ sold: 0, held: 0, free: 0, cancelled: 0, revenue: [] });
    expect(report.totals).toEqual({ sold: 2, held: 1, free: 17, cancelled: 0, revenue: [{ currency: 'EUR', amount: 2500 }] });
    expect(report).toMatchObject({ cinema: { id: 1, name: 'Roxy', time_zone: 'Pacific/Auckland' }, from: '2026-03-28', to: '2026-03-30', as_of: '2026-03-28T00:00:00.000Z' });
  });
});
