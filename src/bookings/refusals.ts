import { AppError } from '../common/errors/app-error';
import { ShowError } from '../shows/shows.errors';
import { BookingError } from './bookings.errors';
import { HoldError } from './holds/holds.errors';
import type { BookingRefusal } from './sql/book-seats';

export type Refusal = BookingRefusal | 'HOLD_LIMIT_EXCEEDED' | 'ADDRESS_HOLD_LIMIT_EXCEEDED' | 'HOLD_COOLDOWN';

/** What a deciding statement says of a refused request: the code, and the evidence for it. */
export interface Refused {
  refusal: Refusal;
  /** The requested seats that justify the refusal (out of range; booked or held). */
  seats: number[] | null;
  /** Out of range: the seats the show has. */
  total_seats: number | null;
  /** Hold limits: how many seats of the show the customer, and the address, hold already, and the limits. */
  held?: number;
  limit?: number;
  held_by_address?: number;
  address_limit?: number;
  /** Cooling down: when the seats are free for the customer and address to hold again. */
  cooldown_until?: Date | null;
  /** Booking limit: how many seats of the show the customer has booked. */
  booked?: number;
  now?: Date;
}

/** Code → error: the one place a refusal becomes an answer. The statements decide; nothing here re-derives. */
const ANSWERS: Record<Refusal, (refused: Refused) => AppError> = {
  SHOW_NOT_FOUND: () => new ShowError('SHOW_NOT_FOUND'),
  SEAT_OUT_OF_RANGE: ({ seats, total_seats }) => BookingError.outOfRange(seats ?? [], total_seats),
  SHOW_STARTED: () => new ShowError('SHOW_STARTED'),
  SEAT_TAKEN: ({ seats }) => BookingError.taken(seats ?? []),
  SHOW_FULL: ({ seats }) => BookingError.showFull(seats ?? []),
  SEAT_HELD: ({ seats }) => BookingError.held(seats ?? []),
  HOLD_LIMIT_EXCEEDED: ({ held, limit }) => HoldError.limitExceeded(limit ?? 0, held ?? 0),
  ADDRESS_HOLD_LIMIT_EXCEEDED: ({ held_by_address, address_limit }) => HoldError.addressLimitExceeded(address_limit ?? 0, held_by_address ?? 0),
  HOLD_COOLDOWN: ({ cooldown_until, now, seats }) => HoldError.coolingDown((cooldown_until?.getTime() ?? 0) - (now?.getTime() ?? 0), seats ?? []),
  BOOKING_LIMIT_EXCEEDED: ({ booked, limit }) => BookingError.limitExceeded(limit ?? 0, booked ?? 0),
};

export function refusalError(refused: Refused): AppError {
  return ANSWERS[refused.refusal](refused);
}
