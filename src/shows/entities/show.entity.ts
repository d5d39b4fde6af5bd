import { Check, Column, Entity, Exclusion, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Movie } from '../../movies/entities/movie.entity';
import { MAX_SEATS_PER_SHOW } from '../../seats/seat-rules.sql';

/**
 * A show occupies its screen from date_time to ends_at (date_time plus the
 * movie's duration); the exclusion constraint makes two overlapping shows on
 * one screen impossible (SCREEN_BUSY). (id, total_seats) is unique so seat rows
 * can carry total_seats through their foreign key.
 */
@Entity('shows')
@Index('shows_movie_id_date_time_idx', ['movieId', 'dateTime'])
@Index('shows_date_time_idx', ['dateTime'])
@Unique('shows_id_total_seats_key', ['id', 'totalSeats'])
@Check('shows_screen_name_check', 'char_length(screen_name) >= 1')
@Check('shows_total_seats_check', `total_seats BETWEEN 1 AND ${MAX_SEATS_PER_SHOW}`)
@Check('shows_ends_after_start', 'ends_at > date_time')
@Exclusion('shows_screen_no_overlap', 'USING gist (screen_name WITH =, tstzrange(date_time, ends_at) WITH &&)')
export class Show {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'shows_pkey' })
  id: number;

  @Column({ name: 'movie_id', type: 'integer' })
  movieId: number;

  @ManyToOne(() => Movie, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'movie_id', foreignKeyConstraintName: 'shows_movie_id_fkey' })
  movie?: Movie;

  @Column({ name: 'screen_name', type: 'varchar', length: 100 })
  screenName: string;

  @Column({ name: 'date_time', type: 'timestamptz' })
  dateTime: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ name: 'total_seats', type: 'integer' })
  totalSeats: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
