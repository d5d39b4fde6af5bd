import { cinemaDayOf, cinemaMidnight, cinemaToday } from '../../cinemas/cinema-day.sql';
import { statement } from '../../database/statement';
import { seatCounts } from '../../seats/seat-rules.sql';
import type { ShowStatus } from '../../shows/entities/show.entity';
import type { MoneyAmount } from '../dto/sales-report.dto';

export interface ReportRangeRow {
  id: number;
  name: string;
  time_zone: string;
  /** YYYY-MM-DD in the cinema's zone. */
  from: string;
  to: string;
  /** Days from `from` to `to`, both counted (0 or less: `to` is before `from`). */
  days: number;
}

/**
 * The cinema a report is of and the days it covers: `from` and `to` as
 * given, each one left out (NULL) today in the cinema's zone at `now`. No row
 * when there is no such cinema.
 */
export const SALES_REPORT_RANGE = statement<[now: Date, cinemaId: number, from: string | null, to: string | null], ReportRangeRow>({
  name: 'sales-report-range',
  text: `
SELECT c.id, c.name, c.time_zone, to_char(r.first, 'YYYY-MM-DD') AS "from", to_char(r.last, 'YYYY-MM-DD') AS "to", r.last - r.first + 1 AS days
  FROM cinemas c
 CROSS JOIN LATERAL (SELECT coalesce($3::date, ${cinemaToday('$1', 'c.time_zone')}) AS first, coalesce($4::date, ${cinemaToday('$1', 'c.time_zone')}) AS last) r
 WHERE c.id = $2`,
});

export interface SalesRow {
  show_id: number;
  movie_id: number;
  movie_title: string;
  screen_id: number;
  screen_name: string;
  date_time: Date;
  /** The day the show starts on in the cinema's zone (YYYY-MM-DD): the day it is reported under. */
  local_date: string;
  status: ShowStatus;
  total_seats: number;
  sold: number;
  held: number;
  free: number;
  cancelled: number;
  /** By currency, sorted; the show's own currency always among them. */
  revenue: MoneyAmount[];
}

/**
 * Each show of a cinema starting from day `from` to day `to` (both included,
 * days in the cinema's zone), by start: its seats booked and held at `now`
 * (the seat rules' seatCounts, as every seat count of the service), its
 * cancelled bookings, and what its booked seats were sold at, summed per
 * currency: the paying order's, or the show's for a seat with no order (a free
 * one, at 0). A refund cancels its booking, so refunded money is never in the
 * sum. The show's own currency is always listed, at 0 when nothing was sold.
 */
export const SALES_BY_SHOW = statement<[now: Date, cinemaId: number, from: string, to: string], SalesRow>({
  name: 'sales-by-show',
  text: `
SELECT sh.id AS show_id, sh.movie_id, m.title AS movie_title, sh.screen_id, sh.screen_name, sh.date_time,
       ${cinemaDayOf('sh.date_time', 'c.time_zone')} AS local_date, sh.status, sh.total_seats,
       taken.booked_seats AS sold, taken.held_seats AS held, sh.total_seats - taken.booked_seats - taken.held_seats AS free,
       gone.cancelled, money.revenue
  FROM cinemas c
  JOIN screens sc ON sc.cinema_id = c.id
  JOIN shows sh ON sh.screen_id = sc.id
  JOIN movies m ON m.id = sh.movie_id
 CROSS JOIN ${seatCounts('sh', '$1')} taken
 CROSS JOIN LATERAL (SELECT count(*)::int AS cancelled FROM bookings b WHERE b.show_id = sh.id AND b.status = 'cancelled') gone
 CROSS JOIN LATERAL (
   SELECT json_agg(json_build_object('currency', per.currency, 'amount', per.amount) ORDER BY per.currency) AS revenue
     FROM (SELECT sold.currency, sum(sold.price)::bigint AS amount
             FROM (SELECT sh.currency, 0 AS price
                    UNION ALL
                   SELECT coalesce(o.currency, sh.currency), b.price
                     FROM bookings b LEFT JOIN orders o ON o.id = b.order_id
                    WHERE b.show_id = sh.id AND b.status = 'booked') sold
            GROUP BY sold.currency) per
 ) money
 WHERE c.id = $2
   AND sh.date_time >= ${cinemaMidnight('$3::date', 'c.time_zone')} AND sh.date_time < ${cinemaMidnight('($4::date + 1)', 'c.time_zone')}
 ORDER BY sh.date_time, sh.id`,
});
