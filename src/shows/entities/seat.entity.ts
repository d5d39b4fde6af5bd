import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Booking } from '../../bookings/entities/booking.entity';
import { Hold } from '../../bookings/holds/entities/hold.entity';
import { SeatKind, seatKindCheck } from '../../screens/entities/screen-seat.entity';
import { Show, ShowStatus } from './show.entity';

/**
 * One row per seat of a show, created with the show. Its row lock is what
 * serialises everything that happens to that seat (book, hold, cancel), and
 * its columns say who has it: booking_id, or hold_id + held_by +
 * hold_expires_at, never both (see src/seats/seat-rules.sql.ts). It carries
 * its show's total_seats and status (seats_show_fk, ON UPDATE CASCADE), and a
 * cancelled show's seats are free.
 */
@Entity('seats')
@Check('seats_number_in_range', 'seat_number BETWEEN 1 AND total_seats')
@Check('seats_booked_or_held', 'booking_id IS NULL OR hold_id IS NULL')
@Check(
  'seats_hold_complete',
  '(hold_id IS NULL AND held_by IS NULL AND hold_expires_at IS NULL) OR (hold_id IS NOT NULL AND held_by IS NOT NULL AND hold_expires_at IS NOT NULL)',
)
@Check('seats_kind_check', seatKindCheck('kind'))
@Check('seats_free_when_show_cancelled', `show_status = 'scheduled' OR (booking_id IS NULL AND hold_id IS NULL)`)
// Partial indexes (INCLUDE columns listed last): available_seats, the hold limit, and a hold's seats.
@Index('seats_taken_idx', ['showId', 'holdExpiresAt'], { where: 'booking_id IS NOT NULL OR hold_id IS NOT NULL' })
@Index('seats_held_by_idx', ['heldBy', 'showId', 'holdExpiresAt'], { where: 'hold_id IS NOT NULL' })
@Index('seats_hold_id_idx', ['holdId'], { where: 'hold_id IS NOT NULL' })
export class Seat {
  @PrimaryColumn({ name: 'show_id', type: 'integer', primaryKeyConstraintName: 'seats_pkey' })
  showId: number;

  @PrimaryColumn({ name: 'seat_number', type: 'integer', primaryKeyConstraintName: 'seats_pkey' })
  seatNumber: number;

  /** The show's total_seats, kept equal by seats_show_fk (ON UPDATE CASCADE), so seats_number_in_range holds. */
  @Column({ name: 'total_seats', type: 'integer' })
  totalSeats: number;

  /**
   * The show's status, kept equal by seats_show_fk (ON UPDATE CASCADE): on the
   * row every sale locks, so a sale that waited for a seat's lock while the show
   * was cancelled reads the seat as the cancellation left it.
   */
  @Column({ name: 'show_status', type: 'varchar', length: 16, default: 'scheduled' })
  showStatus: ShowStatus;

  @ManyToOne(() => Show, { onDelete: 'CASCADE', onUpdate: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'show_id', referencedColumnName: 'id', foreignKeyConstraintName: 'seats_show_fk' },
    { name: 'total_seats', referencedColumnName: 'totalSeats', foreignKeyConstraintName: 'seats_show_fk' },
    { name: 'show_status', referencedColumnName: 'status', foreignKeyConstraintName: 'seats_show_fk' },
  ])
  show?: Show;

  @Column({ name: 'booking_id', type: 'integer', nullable: true })
  bookingId: number | null;

  /** Only ever a booking of this very seat; its deletion sets booking_id alone to NULL. */
  @ManyToOne(() => Booking, { onDelete: 'SET NULL' })
  @JoinColumn([
    { name: 'booking_id', referencedColumnName: 'id', foreignKeyConstraintName: 'seats_booking_fk' },
    { name: 'show_id', referencedColumnName: 'showId', foreignKeyConstraintName: 'seats_booking_fk' },
    { name: 'seat_number', referencedColumnName: 'seatNumber', foreignKeyConstraintName: 'seats_booking_fk' },
  ])
  booking?: Booking;

  @Column({ name: 'hold_id', type: 'integer', nullable: true })
  holdId: number | null;

  @ManyToOne(() => Hold, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'hold_id', foreignKeyConstraintName: 'seats_hold_id_fkey' })
  hold?: Hold;

  @Column({ name: 'held_by', type: 'integer', nullable: true })
  heldBy: number | null;

  @Column({ name: 'hold_expires_at', type: 'timestamptz', nullable: true })
  holdExpiresAt: Date | null;

  /** Where the seat is in its screen's plan, copied from screen_seats when the show's seat rows are made: row, place (counting gaps), label, kind. */
  @Column({ name: 'row_index', type: 'integer' })
  rowIndex: number;

  @Column({ name: 'row_label', type: 'varchar', length: 4 })
  rowLabel: string;

  @Column({ type: 'integer' })
  place: number;

  @Column({ type: 'varchar', length: 8 })
  label: string;

  @Column({ type: 'varchar', length: 16, default: 'standard' })
  kind: SeatKind;
}
