-- rendered from src/orders/sql/refunds.ts by src/database/statements.spec.ts

-- refund-to-pay
SELECT r.id, r.order_id, r.amount, r.status, o.provider, o.payment_ref
  FROM refunds r JOIN orders o ON o.id = r.order_id
 WHERE r.id = $1;

-- settle-refund
UPDATE refunds SET status = $2::varchar, provider_ref = coalesce($3, provider_ref), failure = $4,
                   settled_at = CASE WHEN $2::varchar = 'pending' THEN NULL ELSE $5::timestamptz END
 WHERE id = $1 AND status <> 'succeeded'
RETURNING id;

-- order-for-mail
SELECT o.id, o.amount, o.currency, o.refunded_amount, o.refund_reason, o.seat_numbers, u.username, coalesce(o.customer_email, u.email) AS email,
       m.title, sh.screen_name, sh.date_time
  FROM orders o
  JOIN users u ON u.id = o.user_id
  JOIN shows sh ON sh.id = o.show_id
  JOIN movies m ON m.id = sh.movie_id
 WHERE o.id = $1;
