import { Check, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A cinema and its IANA time zone; the default one (id 1) follows CINEMA_NAME and CINEMA_TIME_ZONE at every start. */
@Entity('cinemas')
@Check('cinemas_name_check', 'char_length(btrim(name)) >= 1')
export class Cinema {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'cinemas_pkey' })
  id: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'time_zone', type: 'varchar', length: 64 })
  timeZone: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
