import { statement } from '../../database/statement';
import type { ShowStatus } from '../../shows/entities/show.entity';
import { isBooked, isHeld, seatStatus } from '../seat-rules.sql';

export interface SeatMapRow {
  seat_number: number;
  label: string;
  row_index: number;
  row_label: string;
  place: number;
  kind: 'standard' | 'wheelchair' | 'companion' | 'premium';
  status: 'available' | 'held' | 'booked';
  /** When the hold on a held seat ends: the rendered map is stale from then on. */
  expires_at: Date | null;
  /** The show's status, on the first seat's row only (NULL on the others). */
  show_status: ShowStatus | null;
}

/**
 * Every seat of a show, in order, with its place in the plan and its status at `now`, and the show's
 * status from the seat rows' copy of it, in the same snapshot (said once: a
 * 2,000-seat map would otherwise carry it 2,000 times).
 */
export const SEAT_MAP = statement<[showId: number, now: Date], SeatMapRow>({
  name: 'seat-map',
  text: `
SELECT s.seat_number, s.label, s.row_index, s.row_label, s.place, s.kind, ${seatStatus('s', '$2')} AS status,
       CASE WHEN ${isHeld('s', '$2')} AND NOT ${isBooked('s')} THEN s.hold_expires_at END AS expires_at,
       CASE WHEN s.seat_number = 1 THEN s.show_status END AS show_status
  FROM seats s WHERE s.show_id = $1
 ORDER BY s.seat_number`,
});
