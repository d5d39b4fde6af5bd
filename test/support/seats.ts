export type SeatStatus = 'available' | 'held' | 'booked';

/** GET /shows/{id}/seats/ */
export interface SeatMap {
  show_id: number;
  total_seats: number;
  available_seats: number;
  seats: { seat_number: number; status: SeatStatus }[];
}

/** The whole numbers from `from` to `to`, both included. */
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Seat numbers in ascending order (a copy). */
export const sorted = (seats: number[]) => [...seats].sort((a, b) => a - b);

/** The seat numbers of a map grouped by status, so a failure shows the whole picture. */
export function byStatus(map: SeatMap): Record<SeatStatus, number[]> {
  const out: Record<SeatStatus, number[]> = { available: [], held: [], booked: [] };
  for (const seat of map.seats) out[seat.status].push(seat.seat_number);
  return out;
}
