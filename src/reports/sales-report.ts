import { localIso } from '../common/time-zone';
import type { MoneyAmount, SalesCounts, SalesReportDay, SalesReportResponse, SalesReportShow } from './dto/sales-report.dto';
import type { ReportRangeRow, SalesRow } from './sql/sales-report';

const DAY_MS = 86_400_000;

/** Every calendar day from `from` to `to` (YYYY-MM-DD), both included. */
export function daysFrom(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** Counts added up; money per currency, sorted by currency. */
export function addUp(parts: SalesCounts[]): SalesCounts {
  const money = new Map<string, number>();
  for (const { revenue } of parts) for (const { currency, amount } of revenue) money.set(currency, (money.get(currency) ?? 0) + amount);
  const sum = (key: 'sold' | 'held' | 'free' | 'cancelled') => parts.reduce((total, part) => total + part[key], 0);
  const revenue: MoneyAmount[] = [...money].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount }));
  return { sold: sum('sold'), held: sum('held'), free: sum('free'), cancelled: sum('cancelled'), revenue };
}

function toReportShow(row: SalesRow, zone: string): SalesReportShow {
  return {
    show_id: row.show_id,
    movie_id: row.movie_id,
    movie_title: row.movie_title,
    screen_id: row.screen_id,
    screen_name: row.screen_name,
    date_time: row.date_time.toISOString(),
    local_date_time: localIso(row.date_time, zone),
    status: row.status,
    total_seats: row.total_seats,
    sold: row.sold,
    held: row.held,
    free: row.free,
    cancelled: row.cancelled,
    revenue: row.revenue.map(({ currency, amount }) => ({ currency, amount: Number(amount) })),
  };
}

/** The report: every day of the range (empty ones too) with its shows, in the order SALES_BY_SHOW gives them, and the totals. */
export function salesReport(range: ReportRangeRow, rows: SalesRow[], asOf: Date): SalesReportResponse {
  const byDay = new Map<string, SalesReportShow[]>();
  for (const row of rows) byDay.set(row.local_date, [...(byDay.get(row.local_date) ?? []), toReportShow(row, range.time_zone)]);
  const days: SalesReportDay[] = daysFrom(range.from, range.to).map((date) => {
    const shows = byDay.get(date) ?? [];
    return { date, shows, totals: addUp(shows) };
  });
  return {
    cinema: { id: range.id, name: range.name, time_zone: range.time_zone },
    from: range.from,
    to: range.to,
    as_of: asOf.toISOString(),
    days,
    totals: addUp(days.map((day) => day.totals)),
  };
}
