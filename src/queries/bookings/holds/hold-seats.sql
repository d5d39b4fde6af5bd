-- rendered from src/bookings/holds/sql/hold-seats.ts by src/database/statements.spec.ts

-- lock-address-show
SELECT pg_advisory_xact_lock(($1::bigint << 32) | (hashtext($2) & 4294967295))::text AS locked;

-- share-show
SELECT id FROM shows WHERE id = $1 FOR KEY SHARE;

-- hold-seats (reports events, announced after commit)
WITH wanted AS (
  SELECT 0 AS req, $1::int AS user_id, $2::int AS show_id, n AS seat_number FROM unnest($3::int[]) AS n
), locked AS (
  SELECT s.show_id, s.seat_number, s.total_seats, s.label, s.kind, s.show_status, s.booking_id, s.hold_id, s.held_by, s.hold_expires_at
    FROM seats s JOIN wanted w ON s.show_id = w.show_id AND s.seat_number = w.seat_number
   ORDER BY s.show_id, s.seat_number
     FOR UPDATE OF s
), judged AS (
  SELECT w.req, w.user_id, w.show_id, w.seat_number, l.total_seats, l.label, coalesce((sh.prices_by_kind ->> l.kind)::int, sh.price) AS price, CASE
      WHEN sh.id IS NULL THEN 1
      WHEN (coalesce(l.show_status, sh.status) = 'cancelled') THEN 2
      WHEN l.seat_number IS NULL THEN 3
      WHEN (sh.date_time <= $4) THEN 4
      WHEN l.booking_id IS NOT NULL THEN 6
      WHEN ((l.hold_id IS NOT NULL AND l.hold_expires_at > $4) AND l.held_by IS DISTINCT FROM NULL) THEN 7
      ELSE 9 END AS rank
    FROM wanted w
    LEFT JOIN shows sh ON sh.id = w.show_id
    LEFT JOIN locked l ON l.show_id = w.show_id AND l.seat_number = w.seat_number
), verdicts AS (
  SELECT req, min(show_id) AS show_id, min(rank) AS rank FROM judged GROUP BY req
),
given_back AS (
  SELECT n AS seat_number, h.user_id = $1 AS by_account, h.client_ip = $7::inet AS by_address, e.ended_at,
         least(e.ended_at, $4) - greatest(h.created_at, ($10::timestamptz - ($5::timestamptz - $4::timestamptz))) AS held_for
    FROM holds h
   CROSS JOIN LATERAL (SELECT CASE WHEN h.status = 'active' THEN h.expires_at ELSE h.ended_at END AS ended_at) e
   CROSS JOIN LATERAL unnest(h.seat_numbers) AS n
   WHERE h.show_id = $2 AND (h.user_id = $1 OR h.client_ip = $7::inet) AND h.seat_numbers && $3::int[] AND n = ANY ($3::int[])
     AND (h.ended_at > ($10::timestamptz - ($5::timestamptz - $4::timestamptz)) OR (h.status = 'active' AND h.expires_at <= $4 AND h.expires_at > ($10::timestamptz - ($5::timestamptz - $4::timestamptz))))
), kept AS (
  SELECT g.seat_number,
         max(g.ended_at) FILTER (WHERE g.by_account) AS account_ended, sum(g.held_for) FILTER (WHERE g.by_account) AS account_kept,
         max(g.ended_at) FILTER (WHERE g.by_address) AS address_ended, sum(g.held_for) FILTER (WHERE g.by_address) AS address_kept
    FROM given_back g
   GROUP BY g.seat_number
), cooling AS (
  SELECT k.seat_number, u.until
    FROM kept k
   CROSS JOIN LATERAL (SELECT greatest(CASE WHEN k.account_ended > $10 AND k.account_kept >= ($5::timestamptz - $4::timestamptz) THEN k.account_ended END, CASE WHEN k.address_ended > $10 AND k.address_kept >= ($5::timestamptz - $4::timestamptz) THEN k.address_ended END) + ($4::timestamptz - $10::timestamptz) AS until) u
   WHERE u.until IS NOT NULL
),
counts AS (
  SELECT (SELECT count(*)::int FROM seats s WHERE s.held_by = $1 AND s.show_id = $2 AND (s.hold_id IS NOT NULL AND s.hold_expires_at > $4)) AS held,
         (SELECT count(*)::int FROM seats s JOIN holds h ON h.id = s.hold_id
           WHERE s.show_id = $2 AND h.client_ip = $7::inet AND (s.hold_id IS NOT NULL AND s.hold_expires_at > $4)) AS held_by_address,
         (SELECT greatest($8::int, ceil(sh.total_seats * $9::int / 100.0)::int) FROM shows sh WHERE sh.id = $2) AS address_limit,
         (SELECT max(c.until) FROM cooling c) AS cooldown_until,
         ARRAY(SELECT c.seat_number FROM cooling c ORDER BY c.seat_number) AS cooling_seats,
         ARRAY(SELECT coalesce(j.label, c.seat_number::text) FROM cooling c JOIN judged j ON j.seat_number = c.seat_number ORDER BY c.seat_number) AS cooling_labels
), decided AS (
  SELECT v.rank, CASE
           WHEN v.rank <> 9 THEN NULL
           WHEN c.cooldown_until IS NOT NULL THEN 'HOLD_COOLDOWN'
           WHEN c.held + cardinality($3::int[]) > $6 THEN 'HOLD_LIMIT_EXCEEDED'
           WHEN c.held_by_address + cardinality($3::int[]) > c.address_limit THEN 'ADDRESS_HOLD_LIMIT_EXCEEDED'
         END AS limit_refusal
    FROM verdicts v, counts c
), created AS (
  INSERT INTO holds (user_id, show_id, seat_numbers, created_at, expires_at, client_ip)
  SELECT $1, $2, $3::int[], $4, $5, $7::inet
    FROM decided d
   WHERE d.rank = 9 AND d.limit_refusal IS NULL
  RETURNING id, user_id, show_id, seat_numbers, status, expires_at
), marked AS (
  UPDATE seats s SET hold_id = c.id, held_by = c.user_id, hold_expires_at = c.expires_at
    FROM created c
   WHERE s.show_id = c.show_id AND s.seat_number = ANY (c.seat_numbers)
)
SELECT coalesce(d.limit_refusal, r.refusal) AS refusal,
       CASE WHEN d.limit_refusal = 'HOLD_COOLDOWN' THEN counts.cooling_seats ELSE r.seats END AS seats,
       CASE WHEN d.limit_refusal = 'HOLD_COOLDOWN' THEN counts.cooling_labels END AS seat_labels, r.total_seats,
       counts.held, counts.held_by_address, counts.address_limit, counts.cooldown_until, c.*
  FROM verdicts v
 CROSS JOIN counts
 CROSS JOIN decided d
 CROSS JOIN LATERAL (SELECT CASE v.rank
      WHEN 1 THEN 'SHOW_NOT_FOUND'
      WHEN 2 THEN 'SHOW_CANCELLED'
      WHEN 3 THEN 'SEAT_OUT_OF_RANGE'
      WHEN 4 THEN 'SHOW_STARTED'
      WHEN 5 THEN 'PAYMENT_REQUIRED'
      WHEN 6 THEN CASE WHEN
             EXISTS (SELECT 1 FROM judged j WHERE j.req = v.req AND j.rank <> 6)
          OR EXISTS (SELECT 1 FROM seats f WHERE f.show_id = v.show_id AND f.booking_id IS NULL
                        AND NOT EXISTS (SELECT 1 FROM judged j WHERE j.req = v.req AND j.seat_number = f.seat_number))
        THEN 'SEAT_TAKEN' ELSE 'SHOW_FULL' END
      WHEN 7 THEN 'SEAT_HELD'
    END AS refusal,
    CASE WHEN v.rank IN (3, 6, 7) THEN ARRAY(
      SELECT j.seat_number FROM judged j
       WHERE j.req = v.req AND j.rank BETWEEN v.rank AND CASE v.rank WHEN 6 THEN 7 ELSE v.rank END
       ORDER BY j.seat_number)
    END AS seats,
    CASE WHEN v.rank IN (6, 7) THEN ARRAY(
      SELECT j.label FROM judged j
       WHERE j.req = v.req AND j.rank BETWEEN v.rank AND 7
       ORDER BY j.seat_number)
    END AS seat_labels,
    CASE WHEN v.rank = 3 THEN (SELECT t.total_seats FROM shows t WHERE t.id = v.show_id) END AS total_seats) r
  LEFT JOIN created c ON true;
