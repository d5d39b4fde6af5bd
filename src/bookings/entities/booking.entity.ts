import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type BookingStatus = 'booked' | 'cancelled';

@Entity('bookings')
export class Booking {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @Column({ name: 'show_id', type: 'integer' })
  showId: number;

  @Column({ name: 'seat_number', type: 'integer' })
  seatNumber: number;

  @Column({ type: 'varchar', length: 16 })
  status: BookingStatus;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;
}
