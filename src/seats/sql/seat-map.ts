import { statement } from '../../database/statement';
import { isBooked, isHeld, seatStatus } from '../seat-rules.sql';

export interface SeatMapRow {
  seat_number: number;
  status: 'available' | 'held' | 'booked';
  /** When the hold on a held seat ends: the rendered map is stale from then on. */
  expires_at: Date | null;
}

/** Every seat of a show, in order, with its status at `now`. */
export const SEAT_MAP = statement<[showId: number, now: Date], SeatMapRow>({
  name: 'seat-map',
  text: `
SELECT s.seat_number, ${seatStatus('s', '$2')} AS status,
       CASE WHEN ${isHeld('s', '$2')} AND NOT ${isBooked('s')} THEN s.hold_expires_at END AS expires_at
  FROM seats s WHERE s.show_id = $1
 ORDER BY s.seat_number`,
});
