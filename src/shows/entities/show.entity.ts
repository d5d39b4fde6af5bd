import { Check, Column, Entity, Exclusion, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Movie } from '../../movies/entities/movie.entity';
import { Screen } from '../../screens/entities/screen.entity';
import { MAX_SEATS_PER_SHOW } from '../../seats/seat-rules.sql';

export type ShowStatus = 'scheduled' | 'cancelled';

/**
 * A scheduled show occupies its screen from date_time to ends_at (date_time
 * plus the movie's duration); the exclusion constraint makes two overlapping
 * scheduled shows on one screen impossible (SCREEN_BUSY), and a cancelled show
 * frees its screen. (id, total_seats, status) is unique so seat rows can carry
 * total_seats and status through their foreign key.
 */
@Entity('shows')
@Index('shows_movie_id_date_time_idx', ['movieId', 'dateTime'])
@Index('shows_date_time_idx', ['dateTime'])
@Unique('shows_id_total_seats_status_key', ['id', 'totalSeats', 'status'])
@Check('shows_screen_name_check', 'char_length(screen_name) >= 1')
@Check('shows_total_seats_check', `total_seats BETWEEN 1 AND ${MAX_SEATS_PER_SHOW}`)
@Check('shows_ends_after_start', 'ends_at > date_time')
@Check('shows_price_check', 'price BETWEEN 0 AND 100000000')
@Check('shows_currency_check', `currency ~ '^[A-Z]{3}$'`)
@Check('shows_status_check', `status IN ('scheduled', 'cancelled')`)
@Check('shows_cancelled_at_check', `(status = 'cancelled') = (cancelled_at IS NOT NULL)`)
@Check('shows_free_after_end', 'free_at >= ends_at')
@Check('shows_prices_by_kind_check', `jsonb_typeof(prices_by_kind) = 'object'`)
@Index('shows_screen_id_date_time_idx', ['screenId', 'dateTime'])
@Exclusion('shows_screen_no_overlap', `USING gist (screen_id WITH =, tstzrange(date_time, free_at) WITH &&) WHERE (status = 'scheduled')`)
export class Show {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'shows_pkey' })
  id: number;

  @Column({ name: 'movie_id', type: 'integer' })
  movieId: number;

  @ManyToOne(() => Movie, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'movie_id', foreignKeyConstraintName: 'shows_movie_id_fkey' })
  movie?: Movie;

  @Column({ name: 'screen_id', type: 'integer' })
  screenId: number;

  @ManyToOne(() => Screen, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'screen_id', foreignKeyConstraintName: 'shows_screen_id_fkey' })
  screen?: Screen;

  /** The screen's name, as the screen has it (renaming a screen renames its shows' copy). */
  @Column({ name: 'screen_name', type: 'varchar', length: 100 })
  screenName: string;

  @Column({ name: 'date_time', type: 'timestamptz' })
  dateTime: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  /** When the screen is free for the next show: ends_at plus the screen's turnaround. What the overlap constraint sees. */
  @Column({ name: 'free_at', type: 'timestamptz' })
  freeAt: Date;

  @Column({ name: 'total_seats', type: 'integer' })
  totalSeats: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'varchar', length: 16, default: 'scheduled' })
  status: ShowStatus;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  /** A seat's price in the currency's minor units (cents); 0 is a free show, booked without an order. */
  @Column({ type: 'integer', default: 0 })
  price: number;

  /** Prices of seats of a kind, in minor units (`{"premium": 1500}`); seats of other kinds cost `price`. */
  @Column({ name: 'prices_by_kind', type: 'jsonb', default: () => "'{}'" })
  pricesByKind: Record<string, number>;

  /** ISO 4217. */
  @Column({ type: 'varchar', length: 3, default: 'EUR' })
  currency: string;
}
