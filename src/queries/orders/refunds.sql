-- rendered from src/orders/sql/refunds.ts by src/database/statements.spec.ts

-- refund-to-pay
SELECT r.id, r.order_id, r.amount, r.status, o.provider, o.payment_ref
  FROM refunds r JOIN orders o ON o.id = r.order_id
 WHERE r.id = $1;

-- settle-refund (reports events, announced after commit)
UPDATE refunds SET status = $2::varchar, provider_ref = coalesce($3, provider_ref), failure = $4,
                   settled_at = CASE WHEN $2::varchar = 'pending' THEN NULL ELSE $5::timestamptz END
 WHERE id = $1 AND status <> 'succeeded'
RETURNING id;

-- order-for-mail
SELECT o.id, o.amount, o.currency, o.refunded_amount, o.refund_reason, o.seat_numbers, CASE WHEN o.customer_email IS NULL THEN u.username END AS username, coalesce(o.customer_email, u.email) AS email,
       m.title, sh.screen_name, sh.date_time, c.time_zone
  FROM orders o
  JOIN users u ON u.id = o.user_id
  JOIN shows sh ON sh.id = o.show_id
  JOIN movies m ON m.id = sh.movie_id
  JOIN screens sc ON sc.id = sh.screen_id
  JOIN cinemas c ON c.id = sc.cinema_id
 WHERE o.id = $1;

-- lock-booking-order
SELECT o.id FROM orders o WHERE o.id = (SELECT order_id FROM bookings WHERE id = $1) FOR UPDATE;

-- lock-show-orders
SELECT id FROM orders WHERE show_id = $1 ORDER BY id FOR UPDATE;

-- refund-cancelled-booking
WITH b AS (
  SELECT id, order_id, price FROM bookings WHERE id = $1 AND status = 'cancelled' AND order_id IS NOT NULL AND price > 0
), refund AS (
  INSERT INTO refunds (order_id, booking_id, amount, reason, created_at)
  SELECT order_id, id, price, $3, $2 FROM b
  ON CONFLICT DO NOTHING
  RETURNING id, order_id, amount
), updated AS (
  UPDATE orders o SET status = CASE WHEN o.refunded_amount + r.amount >= o.amount THEN 'refunded' ELSE 'partially_refunded' END,
                    refund_reason = CASE WHEN o.refunded_amount + r.amount >= o.amount THEN $3::varchar ELSE o.refund_reason END,
                    refunded_amount = o.refunded_amount + r.amount
    FROM refund r WHERE o.id = r.order_id
  RETURNING o.id
), payout AS (
  INSERT INTO pgboss.job (name, data, policy, retry_limit, retry_delay, retry_backoff, expire_in, keep_until, dead_letter)
  SELECT 'payments.refund', j.data, q.policy, q.retry_limit, q.retry_delay, q.retry_backoff,
         q.expire_seconds * interval '1 second', now() + coalesce(q.retention_minutes * interval '1 minute', interval '14 days'), q.dead_letter
    FROM (SELECT jsonb_build_object('refundId', id) AS data FROM refund) j
    LEFT JOIN pgboss.queue q ON q.name = 'payments.refund'
)
SELECT r.id AS refund_id, r.amount FROM (SELECT 1) AS one LEFT JOIN refund r ON true;

-- refund-show-orders
WITH due AS (
  SELECT id, amount - refunded_amount AS rest FROM orders WHERE show_id = $1 AND status IN ('paid', 'partially_refunded')
), refund AS (
  INSERT INTO refunds (order_id, amount, reason, created_at)
  SELECT id, rest, 'SHOW_CANCELLED', $2 FROM due WHERE rest > 0
  ON CONFLICT DO NOTHING
  RETURNING id, order_id, amount
), updated AS (
  UPDATE orders o SET status = CASE WHEN o.refunded_amount + r.amount >= o.amount THEN 'refunded' ELSE 'partially_refunded' END,
                    refund_reason = CASE WHEN o.refunded_amount + r.amount >= o.amount THEN 'SHOW_CANCELLED' ELSE o.refund_reason END,
                    refunded_amount = o.refunded_amount + r.amount
    FROM refund r WHERE o.id = r.order_id
  RETURNING o.id
), unpaid AS (
  UPDATE orders o SET status = 'expired' WHERE show_id = $1 AND status IN ('pending', 'failed') RETURNING o.id
), payout AS (
  INSERT INTO pgboss.job (name, data, policy, retry_limit, retry_delay, retry_backoff, expire_in, keep_until, dead_letter)
  SELECT 'payments.refund', j.data, q.policy, q.retry_limit, q.retry_delay, q.retry_backoff,
         q.expire_seconds * interval '1 second', now() + coalesce(q.retention_minutes * interval '1 minute', interval '14 days'), q.dead_letter
    FROM (SELECT jsonb_build_object('refundId', id) AS data FROM refund) j
    LEFT JOIN pgboss.queue q ON q.name = 'payments.refund'
)
SELECT id AS refund_id, order_id, amount FROM refund ORDER BY order_id;

-- open-refunds-of-payment
SELECT r.id, r.provider_ref
  FROM refunds r JOIN orders o ON o.id = r.order_id
 WHERE o.provider = $1 AND o.payment_ref = $2 AND r.status <> 'succeeded'
 ORDER BY r.id;
