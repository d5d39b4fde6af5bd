import { statement } from '../../database/statement';
import type { OrderProvider } from '../entities/order.entity';

/**
 * A provider's event, recorded once, in the transaction of its effect (so a
 * crash between the two cannot keep one without the other). A row back: this
 * delivery is the first; none: the event was recorded already, and nothing
 * more may change for it. Run after the order's lock when the event is about
 * an order, so repeats of one event wait for the first and then find it.
 */
export const RECORD_PAYMENT_EVENT = statement<[provider: OrderProvider, eventId: string, type: string, now: Date], { event_id: string }>({
  name: 'record-payment-event',
  text: `
INSERT INTO payment_events (provider, event_id, type, received_at) VALUES ($1, $2, left($3, 64), $4)
ON CONFLICT DO NOTHING
RETURNING event_id`,
});

/** Whether an event was recorded already: a repeated delivery is answered without asking the provider anything. */
export const PAYMENT_EVENT_RECORDED = statement<[provider: OrderProvider, eventId: string], { recorded: boolean }>({
  name: 'payment-event-recorded',
  text: `SELECT EXISTS (SELECT 1 FROM payment_events WHERE provider = $1 AND event_id = $2) AS recorded`,
});
