import type { HoldResponse } from '../hold.dto';

export type HoldStatus = 'active' | 'confirmed' | 'released' | 'expired';

/** A holds row as the statements return it. */
export interface HoldRow {
  id: number;
  user_id: number;
  show_id: number;
  seat_numbers: number[];
  status: HoldStatus;
  expires_at: Date;
}

export const HOLD_COLUMNS = 'id, user_id, show_id, seat_numbers, status, expires_at';

export function toHold(row: HoldRow): HoldResponse {
  return {
    id: row.id,
    user_id: row.user_id,
    show_id: row.show_id,
    seat_numbers: row.seat_numbers,
    status: row.status,
    expires_at: row.expires_at.toISOString(),
  };
}
