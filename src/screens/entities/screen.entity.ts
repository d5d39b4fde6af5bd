import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Cinema } from '../../cinemas/entities/cinema.entity';
import { MAX_SEATS_PER_SHOW } from '../../seats/seat-rules.sql';

/** The rule that makes ` screen  1 ` and `Screen 1` one name (API.md Part 4), as SQL of a varchar expression. */
export const foldScreenName = (name: string) => `lower(btrim(regexp_replace(${name}, '\\s+', ' ', 'g')))`;

/**
 * An auditorium of a cinema, with its seat plan (screen_seats). Its name is
 * one name whatever the spelling: name_key is the folded name (kept so by
 * screens_name_key_check) and unique per cinema.
 */
@Entity('screens')
@Unique('screens_cinema_name_key', ['cinemaId', 'nameKey'])
@Check('screens_name_key_check', `name_key = ${foldScreenName('name')} AND name_key <> ''`)
@Check('screens_total_seats_check', `total_seats BETWEEN 1 AND ${MAX_SEATS_PER_SHOW}`)
@Check('screens_turnaround_check', 'turnaround_minutes BETWEEN 0 AND 240')
export class Screen {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'screens_pkey' })
  id: number;

  @Column({ name: 'cinema_id', type: 'integer' })
  cinemaId: number;

  @ManyToOne(() => Cinema, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'cinema_id', foreignKeyConstraintName: 'screens_cinema_id_fkey' })
  cinema?: Cinema;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'name_key', type: 'varchar', length: 100 })
  nameKey: string;

  @Column({ name: 'total_seats', type: 'integer' })
  totalSeats: number;

  /** The gap the overlap rule keeps after each show of this screen, for cleaning and the next audience. */
  @Column({ name: 'turnaround_minutes', type: 'integer', default: 0 })
  turnaroundMinutes: number;

  /**
   * Made from a show's screen_name (Part 1's way) rather than with a plan: its
   * shows are laid out on their own size as Part 3 says (rows of at most 20)
   * and may grow as before, the screen with them; its plan follows its biggest.
   */
  @Column({ name: 'auto_plan', type: 'boolean', default: false })
  autoPlan: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
