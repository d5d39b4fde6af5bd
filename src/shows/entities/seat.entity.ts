import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per seat of a show, created with the show. Its row lock is what
 * serialises everything that happens to that seat (book, hold, cancel), and
 * its columns say who has it: booking_id (and, for holds, hold_id) can never
 * both be set.
 */
@Entity('seats')
export class Seat {
  @PrimaryColumn({ name: 'show_id', type: 'integer' })
  showId: number;

  @PrimaryColumn({ name: 'seat_number', type: 'integer' })
  seatNumber: number;

  @Column({ name: 'total_seats', type: 'integer' })
  totalSeats: number;

  @Column({ name: 'booking_id', type: 'integer', nullable: true })
  bookingId: number | null;

  @Column({ name: 'hold_id', type: 'integer', nullable: true })
  holdId: number | null;

  @Column({ name: 'held_by', type: 'integer', nullable: true })
  heldBy: number | null;

  @Column({ name: 'hold_expires_at', type: 'timestamptz', nullable: true })
  holdExpiresAt: Date | null;
}
