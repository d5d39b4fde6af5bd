import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Show } from '../../../shows/entities/show.entity';
import { User } from '../../../users/entities/user.entity';

/**
 * Seats kept for one customer until expires_at. The hold is also written onto
 * its seat rows, so a seat's whole state is one row; an expired hold stops
 * counting by comparison with the clock, with no clean-up needed.
 */
@Entity('holds')
@Check('holds_seat_numbers_check', 'cardinality(seat_numbers) BETWEEN 1 AND 100')
@Check('holds_status_check', `status IN ('active', 'confirmed', 'released', 'expired')`)
@Check('holds_expires_after_creation', 'expires_at > created_at')
@Index('holds_active_expires_at_idx', ['expiresAt'], { where: `status = 'active'` })
@Index('holds_active_client_ip_idx', ['showId', 'clientIp'], { where: `status = 'active'` })
@Index('holds_user_active_idx', ['userId', 'showId'], { where: `status = 'active'` })
@Index('holds_recently_ended_idx', ['showId', 'endedAt'], { where: 'ended_at IS NOT NULL' })
export class Hold {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'holds_pkey' })
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'holds_user_id_fkey' })
  user?: User;

  @Column({ name: 'show_id', type: 'integer' })
  showId: number;

  @ManyToOne(() => Show, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'show_id', foreignKeyConstraintName: 'holds_show_id_fkey' })
  show?: Show;

  @Column({ name: 'seat_numbers', type: 'integer', array: true })
  seatNumbers: number[];

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: 'active' | 'confirmed' | 'released' | 'expired';

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** The address the hold came from: one address may hold only a share of a show. */
  @Column({ name: 'client_ip', type: 'inet', nullable: true })
  clientIp: string | null;

  /** When it was released, or expired: its seats are not its holder's (nor its address's) to hold again for a while. */
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}
