import { Check, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('movies')
@Check('movies_title_check', 'char_length(title) >= 1')
@Check('movies_duration_check', 'duration_minutes BETWEEN 1 AND 600')
export class Movie {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'movies_pkey' })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ name: 'duration_minutes', type: 'integer' })
  durationMinutes: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
