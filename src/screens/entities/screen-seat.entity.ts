import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Screen } from './screen.entity';

export const SEAT_KINDS = ['standard', 'wheelchair', 'companion', 'premium'] as const;
export type SeatKind = (typeof SEAT_KINDS)[number];
export const seatKindCheck = (column: string) => `${column} IN (${SEAT_KINDS.map((kind) => `'${kind}'`).join(', ')})`;

/**
 * A seat of a screen's plan: its number (1..total_seats through the rows in
 * order), its row (index from the screen, and label), its place in the row
 * counting gaps (a place without a seat is an aisle), its label and kind.
 */
@Entity('screen_seats')
@Unique('screen_seats_place_key', ['screenId', 'rowIndex', 'place'])
@Unique('screen_seats_label_key', ['screenId', 'label'])
@Check('screen_seats_kind_check', seatKindCheck('kind'))
export class ScreenSeat {
  @PrimaryColumn({ name: 'screen_id', type: 'integer', primaryKeyConstraintName: 'screen_seats_pkey' })
  screenId: number;

  @ManyToOne(() => Screen, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'screen_id', foreignKeyConstraintName: 'screen_seats_screen_id_fkey' })
  screen?: Screen;

  @PrimaryColumn({ name: 'seat_number', type: 'integer', primaryKeyConstraintName: 'screen_seats_pkey' })
  seatNumber: number;

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
