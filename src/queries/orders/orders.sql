-- rendered from src/orders/sql/orders.ts by src/database/statements.spec.ts

-- place-order
WITH sh AS (
  SELECT sh.id, sh.currency, (SELECT coalesce(sum(coalesce((sh.prices_by_kind ->> s.kind)::int, sh.price)), 0)::int FROM seats s WHERE s.show_id = sh.id AND s.seat_number = ANY ($4::int[])) AS amount
    FROM shows sh WHERE sh.id = $3
), live AS (
  UPDATE orders o SET status = 'pending'
   WHERE o.hold_id = $1 AND o.status IN ('pending', 'failed') AND o.expires_at > $5
  RETURNING o.*
), placed AS (
  INSERT INTO orders (user_id, show_id, hold_id, seat_numbers, amount, currency, status, provider, created_at, expires_at)
  SELECT $2, sh.id, $1, $4::int[], sh.amount, sh.currency, 'pending', $7, $5, $5::timestamptz + $6 * interval '1 second'
    FROM sh
   WHERE sh.amount > 0 AND NOT EXISTS (SELECT 1 FROM live)
  RETURNING *
), kept AS (
  UPDATE holds h SET expires_at = p.expires_at FROM placed p WHERE h.id = p.hold_id AND h.expires_at < p.expires_at RETURNING h.id
), seats_kept AS (
  UPDATE seats s SET hold_expires_at = p.expires_at FROM placed p WHERE s.hold_id = p.hold_id AND s.hold_expires_at < p.expires_at
)
SELECT coalesce((SELECT amount = 0 FROM sh), false) AS free, o.id, o.user_id, o.show_id, o.hold_id, o.seat_numbers, o.amount, o.currency, o.status, o.provider, o.payment_ref, o.created_at, o.expires_at, o.paid_at, o.refunded_amount, o.refund_reason, CASE WHEN o.status IN ('pending', 'failed') AND o.expires_at <= $5::timestamptz THEN 'expired' ELSE o.status END AS shown_status, (
    SELECT jsonb_build_object(
             'movie_title', order_movie.title, 'screen_name', order_show.screen_name, 'date_time', order_show.date_time,
             'seat_labels', ARRAY(
               SELECT coalesce((SELECT b.seat_label FROM bookings b WHERE b.order_id = o.id AND b.seat_number = n.seat ORDER BY b.id LIMIT 1),
                               (SELECT s.label FROM seats s WHERE s.show_id = o.show_id AND s.seat_number = n.seat), n.seat::text)
                 FROM unnest(o.seat_numbers) WITH ORDINALITY AS n(seat, place) ORDER BY n.place))
      FROM shows order_show JOIN movies order_movie ON order_movie.id = order_show.movie_id
     WHERE order_show.id = o.show_id) AS show
  FROM (SELECT 1) AS one
  LEFT JOIN (SELECT id, user_id, show_id, hold_id, seat_numbers, amount, currency, status, provider, payment_ref, created_at, expires_at, paid_at, refunded_amount, refund_reason FROM live UNION ALL SELECT id, user_id, show_id, hold_id, seat_numbers, amount, currency, status, provider, payment_ref, created_at, expires_at, paid_at, refunded_amount, refund_reason FROM placed) o ON true;

-- set-payment-ref
UPDATE orders SET payment_ref = $2 WHERE id = $1 AND (payment_ref IS NULL OR payment_ref = $2) RETURNING id;

-- order
SELECT CASE WHEN o.id IS NULL THEN 'ORDER_NOT_FOUND' WHEN NOT (o.user_id = $3::int OR $4::boolean) THEN 'NOT_ORDER_OWNER' END AS refusal,
       o.id, o.user_id, o.show_id, o.hold_id, o.seat_numbers, o.amount, o.currency, o.status, o.provider, o.payment_ref, o.created_at, o.expires_at, o.paid_at, o.refunded_amount, o.refund_reason, CASE WHEN o.status IN ('pending', 'failed') AND o.expires_at <= $2::timestamptz THEN 'expired' ELSE o.status END AS shown_status, (
    SELECT jsonb_build_object(
             'movie_title', order_movie.title, 'screen_name', order_show.screen_name, 'date_time', order_show.date_time,
             'seat_labels', ARRAY(
               SELECT coalesce((SELECT b.seat_label FROM bookings b WHERE b.order_id = o.id AND b.seat_number = n.seat ORDER BY b.id LIMIT 1),
                               (SELECT s.label FROM seats s WHERE s.show_id = o.show_id AND s.seat_number = n.seat), n.seat::text)
                 FROM unnest(o.seat_numbers) WITH ORDINALITY AS n(seat, place) ORDER BY n.place))
      FROM shows order_show JOIN movies order_movie ON order_movie.id = order_show.movie_id
     WHERE order_show.id = o.show_id) AS show
  FROM (SELECT 1) AS one
  LEFT JOIN (SELECT id, user_id, show_id, hold_id, seat_numbers, amount, currency, status, provider, payment_ref, created_at, expires_at, paid_at, refunded_amount, refund_reason FROM orders WHERE id = $1) o ON true;

-- lock-order
WITH locked AS (
  SELECT * FROM orders WHERE id = $1 FOR UPDATE
)
SELECT CASE WHEN o.id IS NULL THEN 'ORDER_NOT_FOUND' WHEN NOT (o.user_id = $3::int OR $4::boolean) THEN 'NOT_ORDER_OWNER' END AS refusal,
       o.id, o.user_id, o.show_id, o.hold_id, o.seat_numbers, o.amount, o.currency, o.status, o.provider, o.payment_ref, o.created_at, o.expires_at, o.paid_at, o.refunded_amount, o.refund_reason, CASE WHEN o.status IN ('pending', 'failed') AND o.expires_at <= $2::timestamptz THEN 'expired' ELSE o.status END AS shown_status, (
    SELECT jsonb_build_object(
             'movie_title', order_movie.title, 'screen_name', order_show.screen_name, 'date_time', order_show.date_time,
             'seat_labels', ARRAY(
               SELECT coalesce((SELECT b.seat_label FROM bookings b WHERE b.order_id = o.id AND b.seat_number = n.seat ORDER BY b.id LIMIT 1),
                               (SELECT s.label FROM seats s WHERE s.show_id = o.show_id AND s.seat_number = n.seat), n.seat::text)
                 FROM unnest(o.seat_numbers) WITH ORDINALITY AS n(seat, place) ORDER BY n.place))
      FROM shows order_show JOIN movies order_movie ON order_movie.id = order_show.movie_id
     WHERE order_show.id = o.show_id) AS show
  FROM (SELECT 1) AS one
  LEFT JOIN locked o ON true;

-- lock-order-by-ref
SELECT o.id, o.user_id, o.show_id, o.hold_id, o.seat_numbers, o.amount, o.currency, o.status, o.provider, o.payment_ref, o.created_at, o.expires_at, o.paid_at, o.refunded_amount, o.refund_reason, CASE WHEN o.status IN ('pending', 'failed') AND o.expires_at <= $3::timestamptz THEN 'expired' ELSE o.status END AS shown_status, (
    SELECT jsonb_build_object(
             'movie_title', order_movie.title, 'screen_name', order_show.screen_name, 'date_time', order_show.date_time,
             'seat_labels', ARRAY(
               SELECT coalesce((SELECT b.seat_label FROM bookings b WHERE b.order_id = o.id AND b.seat_number = n.seat ORDER BY b.id LIMIT 1),
                               (SELECT s.label FROM seats s WHERE s.show_id = o.show_id AND s.seat_number = n.seat), n.seat::text)
                 FROM unnest(o.seat_numbers) WITH ORDINALITY AS n(seat, place) ORDER BY n.place))
      FROM shows order_show JOIN movies order_movie ON order_movie.id = order_show.movie_id
     WHERE order_show.id = o.show_id) AS show FROM orders o WHERE provider = $1 AND payment_ref = $2 FOR UPDATE;

-- mark-order-failed (reports events, announced after commit)
UPDATE orders o SET status = 'failed' WHERE id = $1 AND status IN ('pending', 'failed')
RETURNING o.id, o.user_id, o.show_id, o.hold_id, o.seat_numbers, o.amount, o.currency, o.status, o.provider, o.payment_ref, o.created_at, o.expires_at, o.paid_at, o.refunded_amount, o.refund_reason, CASE WHEN o.status IN ('pending', 'failed') AND o.expires_at <= $2::timestamptz THEN 'expired' ELSE o.status END AS shown_status, (
    SELECT jsonb_build_object(
             'movie_title', order_movie.title, 'screen_name', order_show.screen_name, 'date_time', order_show.date_time,
             'seat_labels', ARRAY(
               SELECT coalesce((SELECT b.seat_label FROM bookings b WHERE b.order_id = o.id AND b.seat_number = n.seat ORDER BY b.id LIMIT 1),
                               (SELECT s.label FROM seats s WHERE s.show_id = o.show_id AND s.seat_number = n.seat), n.seat::text)
                 FROM unnest(o.seat_numbers) WITH ORDINALITY AS n(seat, place) ORDER BY n.place))
      FROM shows order_show JOIN movies order_movie ON order_movie.id = order_show.movie_id
     WHERE order_show.id = o.show_id) AS show;

-- mark-order-paid (reports events, announced after commit)
WITH hold AS (
  UPDATE holds h SET status = 'confirmed' FROM orders o WHERE o.id = $1 AND h.id = o.hold_id AND h.status = 'active' RETURNING h.id
)
UPDATE orders o SET status = 'paid', paid_at = $2 WHERE id = $1 AND NOT o.status IN ('paid', 'partially_refunded', 'refunded')
RETURNING o.id, o.user_id, o.show_id, o.hold_id, o.seat_numbers, o.amount, o.currency, o.status, o.provider, o.payment_ref, o.created_at, o.expires_at, o.paid_at, o.refunded_amount, o.refund_reason, CASE WHEN o.status IN ('pending', 'failed') AND o.expires_at <= $2::timestamptz THEN 'expired' ELSE o.status END AS shown_status, (
    SELECT jsonb_build_object(
             'movie_title', order_movie.title, 'screen_name', order_show.screen_name, 'date_time', order_show.date_time,
             'seat_labels', ARRAY(
               SELECT coalesce((SELECT b.seat_label FROM bookings b WHERE b.order_id = o.id AND b.seat_number = n.seat ORDER BY b.id LIMIT 1),
                               (SELECT s.label FROM seats s WHERE s.show_id = o.show_id AND s.seat_number = n.seat), n.seat::text)
                 FROM unnest(o.seat_numbers) WITH ORDINALITY AS n(seat, place) ORDER BY n.place))
      FROM shows order_show JOIN movies order_movie ON order_movie.id = order_show.movie_id
     WHERE order_show.id = o.show_id) AS show;

-- refund-unseated-order (reports events, announced after commit)
WITH refunded AS (
  UPDATE orders o SET status = 'refunded', paid_at = $2, refunded_amount = o.amount, refund_reason = $3
   WHERE id = $1 AND NOT o.status IN ('paid', 'partially_refunded', 'refunded')
  RETURNING o.*
), refund AS (
  INSERT INTO refunds (order_id, amount, reason, created_at)
  SELECT id, amount, $3, $2 FROM refunded WHERE amount > 0
  RETURNING id
), payout AS (
  INSERT INTO pgboss.job (name, data, policy, retry_limit, retry_delay, retry_backoff, expire_in, keep_until, dead_letter)
  SELECT 'payments.refund', j.data, q.policy, q.retry_limit, q.retry_delay, q.retry_backoff,
         q.expire_seconds * interval '1 second', now() + coalesce(q.retention_minutes * interval '1 minute', interval '14 days'), q.dead_letter
    FROM (SELECT jsonb_build_object('refundId', id) AS data FROM refund) j
    LEFT JOIN pgboss.queue q ON q.name = 'payments.refund'
), ended AS (
  UPDATE holds h SET status = 'released', ended_at = $2 FROM refunded r WHERE h.id = r.hold_id AND h.status = 'active' RETURNING h.id
), held AS (
  SELECT s.show_id, s.seat_number, s.hold_id FROM seats s JOIN ended e ON s.hold_id = e.id
   ORDER BY s.show_id, s.seat_number
     FOR UPDATE OF s
), freed AS (
  UPDATE seats s SET hold_id = NULL, held_by = NULL, hold_expires_at = NULL
    FROM held h
   WHERE s.show_id = h.show_id AND s.seat_number = h.seat_number AND s.hold_id = h.hold_id
  RETURNING s.show_id, s.seat_number
)
SELECT o.id, o.user_id, o.show_id, o.hold_id, o.seat_numbers, o.amount, o.currency, o.status, o.provider, o.payment_ref, o.created_at, o.expires_at, o.paid_at, o.refunded_amount, o.refund_reason, CASE WHEN o.status IN ('pending', 'failed') AND o.expires_at <= $2::timestamptz THEN 'expired' ELSE o.status END AS shown_status, (
    SELECT jsonb_build_object(
             'movie_title', order_movie.title, 'screen_name', order_show.screen_name, 'date_time', order_show.date_time,
             'seat_labels', ARRAY(
               SELECT coalesce((SELECT b.seat_label FROM bookings b WHERE b.order_id = o.id AND b.seat_number = n.seat ORDER BY b.id LIMIT 1),
                               (SELECT s.label FROM seats s WHERE s.show_id = o.show_id AND s.seat_number = n.seat), n.seat::text)
                 FROM unnest(o.seat_numbers) WITH ORDINALITY AS n(seat, place) ORDER BY n.place))
      FROM shows order_show JOIN movies order_movie ON order_movie.id = order_show.movie_id
     WHERE order_show.id = o.show_id) AS show, (SELECT id FROM refund) AS refund_id,
       (SELECT min(show_id) FROM freed) AS freed_show, ARRAY(SELECT seat_number FROM freed ORDER BY seat_number) AS freed_seats
  FROM refunded o;

-- my-orders
SELECT o.id, o.user_id, o.show_id, o.hold_id, o.seat_numbers, o.amount, o.currency, o.status, o.provider, o.payment_ref, o.created_at, o.expires_at, o.paid_at, o.refunded_amount, o.refund_reason, CASE WHEN o.status IN ('pending', 'failed') AND o.expires_at <= $2::timestamptz THEN 'expired' ELSE o.status END AS shown_status, (
    SELECT jsonb_build_object(
             'movie_title', order_movie.title, 'screen_name', order_show.screen_name, 'date_time', order_show.date_time,
             'seat_labels', ARRAY(
               SELECT coalesce((SELECT b.seat_label FROM bookings b WHERE b.order_id = o.id AND b.seat_number = n.seat ORDER BY b.id LIMIT 1),
                               (SELECT s.label FROM seats s WHERE s.show_id = o.show_id AND s.seat_number = n.seat), n.seat::text)
                 FROM unnest(o.seat_numbers) WITH ORDINALITY AS n(seat, place) ORDER BY n.place))
      FROM shows order_show JOIN movies order_movie ON order_movie.id = order_show.movie_id
     WHERE order_show.id = o.show_id) AS show
  FROM orders o
 WHERE user_id = $1
 ORDER BY created_at DESC, id DESC
 LIMIT $3 OFFSET $4;

-- count-my-orders
SELECT count(*)::int AS total FROM orders WHERE user_id = $1;

-- place-box-office-order (reports events, announced after commit)
INSERT INTO orders AS o (user_id, show_id, seat_numbers, amount, currency, status, provider, created_at, expires_at, paid_at, customer_email)
SELECT $1, sh.id, $3::int[], (SELECT coalesce(sum(coalesce((sh.prices_by_kind ->> s.kind)::int, sh.price)), 0)::int FROM seats s WHERE s.show_id = sh.id AND s.seat_number = ANY ($3::int[])),
       sh.currency, 'paid', 'box_office', $4, $4, $4, $5
  FROM shows sh WHERE sh.id = $2
RETURNING o.id, o.user_id, o.show_id, o.hold_id, o.seat_numbers, o.amount, o.currency, o.status, o.provider, o.payment_ref, o.created_at, o.expires_at, o.paid_at, o.refunded_amount, o.refund_reason, CASE WHEN o.status IN ('pending', 'failed') AND o.expires_at <= $4::timestamptz THEN 'expired' ELSE o.status END AS shown_status, (
    SELECT jsonb_build_object(
             'movie_title', order_movie.title, 'screen_name', order_show.screen_name, 'date_time', order_show.date_time,
             'seat_labels', ARRAY(
               SELECT coalesce((SELECT b.seat_label FROM bookings b WHERE b.order_id = o.id AND b.seat_number = n.seat ORDER BY b.id LIMIT 1),
                               (SELECT s.label FROM seats s WHERE s.show_id = o.show_id AND s.seat_number = n.seat), n.seat::text)
                 FROM unnest(o.seat_numbers) WITH ORDINALITY AS n(seat, place) ORDER BY n.place))
      FROM shows order_show JOIN movies order_movie ON order_movie.id = order_show.movie_id
     WHERE order_show.id = o.show_id) AS show;

-- order-of-payment
SELECT id, amount, currency, status, payment_ref
  FROM orders
 WHERE provider = $1 AND (payment_ref = $2 OR (id = $3 AND (payment_ref IS NULL OR payment_ref = $2)))
 ORDER BY payment_ref = $2 DESC NULLS LAST
 LIMIT 1;
