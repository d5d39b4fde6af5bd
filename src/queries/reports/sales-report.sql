-- rendered from src/reports/sql/sales-report.ts by src/database/statements.spec.ts

-- sales-report-range
SELECT c.id, c.name, c.time_zone, to_char(r.first, 'YYYY-MM-DD') AS "from", to_char(r.last, 'YYYY-MM-DD') AS "to", r.last - r.first + 1 AS days
  FROM cinemas c
 CROSS JOIN LATERAL (SELECT coalesce($3::date, ($1::timestamptz AT TIME ZONE c.time_zone)::date) AS first, coalesce($4::date, ($1::timestamptz AT TIME ZONE c.time_zone)::date) AS last) r
 WHERE c.id = $2;

-- sales-by-show
SELECT sh.id AS show_id, sh.movie_id, m.title AS movie_title, sh.screen_id, sh.screen_name, sh.date_time,
       to_char(sh.date_time AT TIME ZONE c.time_zone, 'YYYY-MM-DD') AS local_date, sh.status, sh.total_seats,
       taken.booked_seats AS sold, taken.held_seats AS held, sh.total_seats - taken.booked_seats - taken.held_seats AS free,
       gone.cancelled, money.revenue
  FROM cinemas c
  JOIN screens sc ON sc.cinema_id = c.id
  JOIN shows sh ON sh.screen_id = sc.id
  JOIN movies m ON m.id = sh.movie_id
 CROSS JOIN LATERAL (
SELECT count(*) FILTER (WHERE t.booking_id IS NOT NULL)::int AS booked_seats,
       count(*) FILTER (WHERE (t.hold_id IS NOT NULL AND t.hold_expires_at > $1))::int AS held_seats
  FROM seats t WHERE t.show_id = sh.id AND (t.booking_id IS NOT NULL OR t.hold_id IS NOT NULL)) taken
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
   AND sh.date_time >= ($3::date::timestamp AT TIME ZONE c.time_zone) AND sh.date_time < (($4::date + 1)::timestamp AT TIME ZONE c.time_zone)
 ORDER BY sh.date_time, sh.id;
