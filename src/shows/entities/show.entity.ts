import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Movie } from '../../movies/entities/movie.entity';

@Entity('shows')
export class Show {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'movie_id', type: 'integer' })
  movieId: number;

  @ManyToOne(() => Movie)
  @JoinColumn({ name: 'movie_id' })
  movie?: Movie;

  @Column({ name: 'screen_name', type: 'varchar', length: 100 })
  screenName: string;

  @Column({ name: 'date_time', type: 'timestamptz' })
  dateTime: Date;

  /** date_time + the movie's duration; the exclusion constraint on screens uses it. */
  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ name: 'total_seats', type: 'integer' })
  totalSeats: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
