import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A provider's event, recorded once, in the transaction of its effect: a repeated delivery changes nothing. */
@Entity('payment_events')
export class PaymentEvent {
  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName: 'payment_events_pkey' })
  provider: string;

  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 255, primaryKeyConstraintName: 'payment_events_pkey' })
  eventId: string;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
