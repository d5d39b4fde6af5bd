import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Order } from '../../orders/entities/order.entity';
import { Seat } from '../../shows/entities/seat.entity';
import { User } from '../../users/entities/user.entity';

export type BookingStatus = 'booked' | 'cancelled';

/**
 * A booking of one seat. bookings_one_active_per_seat makes a second active
 * booking of a seat impossible, whatever the code does; bookings reference
 * their seat row, so a show never has more bookings than seats.
 */
@Entity('bookings')
@Check('bookings_status_check', `status IN ('booked', 'cancelled')`)
@Check('bookings_cancelled_at_check', `(status = 'cancelled') = (cancelled_at IS NOT NULL)`)
@Unique('bookings_id_seat_key', ['showId', 'seatNumber', 'id'])
@Unique('bookings_ticket_code_key', ['ticketCode'])
@Index('bookings_one_active_per_seat', ['showId', 'seatNumber'], { unique: true, where: `status = 'booked'` })
@Index('bookings_user_id_created_at_idx', ['userId', 'createdAt', 'id'])
@Check('bookings_price_check', 'price >= 0')
@Index('bookings_order_id_idx', ['orderId'], { where: 'order_id IS NOT NULL' })
@Index('bookings_user_show_active_idx', ['userId', 'showId'], { where: `status = 'booked'` })
export class Booking {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'bookings_pkey' })
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'bookings_user_id_fkey' })
  user?: User;

  @Column({ name: 'show_id', type: 'integer' })
  showId: number;

  @Column({ name: 'seat_number', type: 'integer' })
  seatNumber: number;

  @ManyToOne(() => Seat, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'show_id', referencedColumnName: 'showId', foreignKeyConstraintName: 'bookings_seat_fk' },
    { name: 'seat_number', referencedColumnName: 'seatNumber', foreignKeyConstraintName: 'bookings_seat_fk' },
  ])
  seat?: Seat;

  @Column({ type: 'varchar', length: 16, default: 'booked' })
  status: BookingStatus;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  /** What the ticket's QR code says: 244 random bits, base64url (new_ticket_code(), see the Tickets migration). */
  @Column({ name: 'ticket_code', type: 'text', default: () => 'new_ticket_code()' })
  ticketCode: string;

  /** The seat's name when it was sold ("C7"), kept whatever later happens to the show's layout. */
  @Column({ name: 'seat_label', type: 'varchar', length: 32 })
  seatLabel: string;

  @Column({ name: 'checked_in_at', type: 'timestamptz', nullable: true })
  checkedInAt: Date | null;

  /** The show start its reminder was sent for (a show moved since is reminded again). */
  @Column({ name: 'reminded_for', type: 'timestamptz', nullable: true })
  remindedFor: Date | null;

  /** What the seat was sold at (minor units of the show's currency); 0 for a free show. */
  @Column({ type: 'integer', default: 0 })
  price: number;

  /** The order that paid for it (NULL for a free seat). */
  @Column({ name: 'order_id', type: 'integer', nullable: true })
  orderId: number | null;

  @ManyToOne(() => Order)
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'bookings_order_id_fkey' })
  order?: Order;
}
