import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Hold } from '../../bookings/holds/entities/hold.entity';
import { Show } from '../../shows/entities/show.entity';
import { User } from '../../users/entities/user.entity';

export type OrderStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'partially_refunded' | 'refunded';
export type OrderProvider = 'demo' | 'stripe' | 'box_office';
export type RefundReason = 'SEATS_GONE' | 'SHOW_CANCELLED' | 'CUSTOMER_CANCELLED' | 'ADMIN_CANCELLED';
export const REFUND_REASONS: RefundReason[] = ['SEATS_GONE', 'SHOW_CANCELLED', 'CUSTOMER_CANCELLED', 'ADMIN_CANCELLED'];

/**
 * A hold's seats checked out for a price (or a box-office sale). The schema
 * keeps the money rules whatever the code does: one live order per hold, a
 * payment reference at most once, `paid_at` set exactly when money was
 * received, never more refunded than paid. See the Orders migration.
 */
@Entity('orders')
@Check('orders_seat_numbers_check', 'cardinality(seat_numbers) BETWEEN 1 AND 100')
@Check('orders_amount_check', 'amount >= 0')
@Check('orders_status_check', `status IN ('pending', 'paid', 'failed', 'expired', 'partially_refunded', 'refunded')`)
@Check('orders_provider_check', `provider IN ('demo', 'stripe', 'box_office')`)
@Check('orders_refund_reason_check', `refund_reason IN ('SEATS_GONE', 'SHOW_CANCELLED', 'CUSTOMER_CANCELLED', 'ADMIN_CANCELLED')`)
@Check('orders_paid_at_check', `(status IN ('paid', 'partially_refunded', 'refunded')) = (paid_at IS NOT NULL)`)
@Check('orders_refunded_amount_check', 'refunded_amount BETWEEN 0 AND amount')
@Unique('orders_payment_ref_key', ['provider', 'paymentRef'])
@Index('orders_one_live_per_hold', ['holdId'], { unique: true, where: `status IN ('pending', 'failed')` })
@Index('orders_user_id_created_at_idx', ['userId', 'createdAt', 'id'])
@Index('orders_show_id_idx', ['showId'])
export class Order {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'orders_pkey' })
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'orders_user_id_fkey' })
  user?: User;

  @Column({ name: 'show_id', type: 'integer' })
  showId: number;

  @ManyToOne(() => Show, { nullable: false })
  @JoinColumn({ name: 'show_id', foreignKeyConstraintName: 'orders_show_id_fkey' })
  show?: Show;

  @Column({ name: 'hold_id', type: 'integer', nullable: true })
  holdId: number | null;

  @ManyToOne(() => Hold)
  @JoinColumn({ name: 'hold_id', foreignKeyConstraintName: 'orders_hold_id_fkey' })
  hold?: Hold;

  @Column({ name: 'seat_numbers', type: 'integer', array: true })
  seatNumbers: number[];

  @Column({ type: 'integer' })
  amount: number;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 24, default: 'pending' })
  status: OrderStatus;

  @Column({ type: 'varchar', length: 16 })
  provider: OrderProvider;

  /** The provider's payment (a Stripe PaymentIntent id, `demo_<id>`); events are matched by it. */
  @Column({ name: 'payment_ref', type: 'varchar', length: 255, nullable: true })
  paymentRef: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt: Date | null;

  @Column({ name: 'refunded_amount', type: 'integer', default: 0 })
  refundedAmount: number;

  @Column({ name: 'refund_reason', type: 'varchar', length: 32, nullable: true })
  refundReason: RefundReason | null;

  /** A box-office sale's buyer, who receives the tickets. */
  @Column({ name: 'customer_email', type: 'varchar', length: 254, nullable: true })
  customerEmail: string | null;
}
