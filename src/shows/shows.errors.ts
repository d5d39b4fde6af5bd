import { errorsOf } from '../common/errors/app-error';
import { pgCode, PgCode } from '../common/errors/pg-errors';

const SHOW_ERRORS = {
  SHOW_NOT_FOUND: { status: 404, detail: 'No show has this id.' },
  SCREEN_BUSY: { status: 409, detail: 'Another show occupies this screen at that time.' },
  SHOW_HAS_BOOKINGS: { status: 409, detail: 'The show has booked or held seats that this change would remove.' },
  SHOW_HAS_ORDERS: { status: 409, detail: 'The show has orders, and money records are kept: cancel the show instead (POST /shows/{id}/cancel/).' },
  SHOW_STARTED: { status: 409, detail: 'The show has already started; its seats can no longer be sold or held.' },
  SHOW_CANCELLED: { status: 409, detail: 'The show is cancelled; its seats can no longer be sold or held, and it can no longer be changed.' },
};

export type ShowErrorCode = keyof typeof SHOW_ERRORS;

export class ShowError extends errorsOf(SHOW_ERRORS) {}

/** Seats as a show's locked seat rows say them (LOCK_SHOW_SEATS). */
interface SeatState {
  booked: boolean;
  held: boolean;
}

/**
 * SHOW_HAS_BOOKINGS with its evidence, counted on the show's locked seats: how
 * many are booked and how many held (`booked`, `held`). `detail` is given the
 * counts.
 */
export function showHasBookings(seats: SeatState[], detail: (booked: number, held: number) => string): ShowError {
  const booked = seats.filter((seat) => seat.booked).length;
  const held = seats.filter((seat) => seat.held).length;
  return new ShowError('SHOW_HAS_BOOKINGS', detail(booked, held), { booked, held });
}

/**
 * Runs a write that may move a show on its screen; the exclusion constraint
 * shows_screen_no_overlap refusing it is SCREEN_BUSY.
 */
export async function screenBusyOnOverlap<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (pgCode(error) === PgCode.EXCLUSION_VIOLATION) throw new ShowError('SCREEN_BUSY');
    throw error;
  }
}
