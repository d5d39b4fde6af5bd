import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Booking } from '../../bookings/entities/booking.entity';
import { Order, RefundReason } from './order.entity';

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

/**
 * A refund the service asked the provider for: written in the transaction that
 * decided it, then carried out by a job (retried; a refusal stays `failed`,
 * visible to admins). A booking is refunded at most once, and an order's
 * remainder (every seat gone, or the show cancelled) at most once.
 */
@Entity('refunds')
@Check('refunds_amount_check', 'amount > 0')
@Check('refunds_reason_check', `reason IN ('SEATS_GONE', 'SHOW_CANCELLED', 'CUSTOMER_CANCELLED', 'ADMIN_CANCELLED')`)
@Check('refunds_status_check', `status IN ('pending', 'succeeded', 'failed')`)
@Index('refunds_one_per_booking', ['bookingId'], { unique: true, where: 'booking_id IS NOT NULL' })
@Index('refunds_one_remainder_per_order', ['orderId'], { unique: true, where: 'booking_id IS NULL' })
@Index('refunds_order_id_idx', ['orderId'])
export class Refund {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'refunds_pkey' })
  id: number;

  @Column({ name: 'order_id', type: 'integer' })
  orderId: number;

  @ManyToOne(() => Order, { nullable: false })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'refunds_order_id_fkey' })
  order?: Order;

  @Column({ name: 'booking_id', type: 'integer', nullable: true })
  bookingId: number | null;

  @ManyToOne(() => Booking)
  @JoinColumn({ name: 'booking_id', foreignKeyConstraintName: 'refunds_booking_id_fkey' })
  booking?: Booking;

  @Column({ type: 'integer' })
  amount: number;

  @Column({ type: 'varchar', length: 32 })
  reason: RefundReason;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: RefundStatus;

  @Column({ name: 'provider_ref', type: 'varchar', length: 255, nullable: true })
  providerRef: string | null;

  @Column({ type: 'text', nullable: true })
  failure: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true })
  settledAt: Date | null;
}
