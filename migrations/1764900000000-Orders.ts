import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Selling for money (API.md Part 3, "Prices and orders", "Payment", "Refunds"):
 * - shows.price in minor units and shows.currency (ISO 4217); every existing
 *   show costs 0 and sells exactly as before;
 * - orders: a hold's seats checked out for a price, then paid (its bookings
 *   made in the same transaction), failed, expired or refunded. One live
 *   order per hold (orders_one_live_per_hold), a provider's payment reference
 *   at most once (orders_payment_ref_key), money received exactly when the
 *   order says paid, partially refunded or refunded (orders_paid_at_check),
 *   never more refunded than paid (orders_refunded_amount_check);
 * - bookings carry the price they were sold at and their order;
 * - refunds: one row per refund the service asked for, kept whatever the
 *   provider answers; a booking is refunded at most once, and an order's
 *   remainder at most once (SEATS_GONE or SHOW_CANCELLED);
 * - payment_events: each provider event id once, recorded in the transaction
 *   of its effect.
 */
export class Orders1764900000000 implements MigrationInterface {
  name = 'Orders1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE shows
        ADD COLUMN price integer NOT NULL DEFAULT 0 CONSTRAINT shows_price_check CHECK (price BETWEEN 0 AND 100000000),
        ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'EUR' CONSTRAINT shows_currency_check CHECK (currency ~ '^[A-Z]{3}$')`);
    await q.query(`
      CREATE TABLE orders (
        id serial CONSTRAINT orders_pkey PRIMARY KEY,
        user_id integer NOT NULL CONSTRAINT orders_user_id_fkey REFERENCES users (id),
        show_id integer NOT NULL CONSTRAINT orders_show_id_fkey REFERENCES shows (id),
        hold_id integer CONSTRAINT orders_hold_id_fkey REFERENCES holds (id),
        seat_numbers integer[] NOT NULL CONSTRAINT orders_seat_numbers_check CHECK (cardinality(seat_numbers) BETWEEN 1 AND 100),
        amount integer NOT NULL CONSTRAINT orders_amount_check CHECK (amount >= 0),
        currency varchar(3) NOT NULL,
        status varchar(24) NOT NULL DEFAULT 'pending'
          CONSTRAINT orders_status_check CHECK (status IN ('pending', 'paid', 'failed', 'expired', 'partially_refunded', 'refunded')),
        provider varchar(16) NOT NULL CONSTRAINT orders_provider_check CHECK (provider IN ('demo', 'stripe', 'box_office')),
        payment_ref varchar(255),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        paid_at timestamptz,
        refunded_amount integer NOT NULL DEFAULT 0,
        refund_reason varchar(32)
          CONSTRAINT orders_refund_reason_check CHECK (refund_reason IN ('SEATS_GONE', 'SHOW_CANCELLED', 'CUSTOMER_CANCELLED', 'ADMIN_CANCELLED')),
        customer_email varchar(254),
        CONSTRAINT orders_paid_at_check CHECK ((status IN ('paid', 'partially_refunded', 'refunded')) = (paid_at IS NOT NULL)),
        CONSTRAINT orders_refunded_amount_check CHECK (refunded_amount BETWEEN 0 AND amount),
        CONSTRAINT orders_payment_ref_key UNIQUE (provider, payment_ref)
      )`);
    await q.query(`CREATE UNIQUE INDEX orders_one_live_per_hold ON orders (hold_id) WHERE status IN ('pending', 'failed')`);
    await q.query(`CREATE INDEX orders_user_id_created_at_idx ON orders (user_id, created_at, id)`);
    await q.query(`CREATE INDEX orders_show_id_idx ON orders (show_id)`);

    await q.query(`
      ALTER TABLE bookings
        ADD COLUMN price integer NOT NULL DEFAULT 0 CONSTRAINT bookings_price_check CHECK (price >= 0),
        ADD COLUMN order_id integer CONSTRAINT bookings_order_id_fkey REFERENCES orders (id)`);
    await q.query(`CREATE INDEX bookings_order_id_idx ON bookings (order_id) WHERE order_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE refunds (
        id serial CONSTRAINT refunds_pkey PRIMARY KEY,
        order_id integer NOT NULL CONSTRAINT refunds_order_id_fkey REFERENCES orders (id),
        booking_id integer CONSTRAINT refunds_booking_id_fkey REFERENCES bookings (id),
        amount integer NOT NULL CONSTRAINT refunds_amount_check CHECK (amount > 0),
        reason varchar(32) NOT NULL
          CONSTRAINT refunds_reason_check CHECK (reason IN ('SEATS_GONE', 'SHOW_CANCELLED', 'CUSTOMER_CANCELLED', 'ADMIN_CANCELLED')),
        status varchar(16) NOT NULL DEFAULT 'pending' CONSTRAINT refunds_status_check CHECK (status IN ('pending', 'succeeded', 'failed')),
        provider_ref varchar(255),
        failure text,
        created_at timestamptz NOT NULL,
        settled_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX refunds_one_per_booking ON refunds (booking_id) WHERE booking_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX refunds_one_remainder_per_order ON refunds (order_id) WHERE booking_id IS NULL`);
    await q.query(`CREATE INDEX refunds_order_id_idx ON refunds (order_id)`);

    await q.query(`
      CREATE TABLE payment_events (
        provider varchar(16) NOT NULL,
        event_id varchar(255) NOT NULL,
        type varchar(64) NOT NULL,
        received_at timestamptz NOT NULL,
        CONSTRAINT payment_events_pkey PRIMARY KEY (provider, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE payment_events`);
    await q.query(`DROP TABLE refunds`);
    await q.query(`ALTER TABLE bookings DROP COLUMN order_id, DROP COLUMN price`);
    await q.query(`DROP TABLE orders`);
    await q.query(`ALTER TABLE shows DROP COLUMN currency, DROP COLUMN price`);
  }
}
