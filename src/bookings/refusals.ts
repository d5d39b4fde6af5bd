import { AppError } from '../common/errors/app-error';
import { OrderError } from '../orders/orders.errors';
import { ShowError } from '../shows/shows.errors';
import { BookingError } from './bookings.errors';
import { HoldError } from './holds/holds.errors';
import type { HoldRefusal } from './holds/sql/end-holds';
import type { BookingRefusal } from './sql/book-seats';
import type { CancelRefusal } from './sql/cancel-booking';

export type Refusal = BookingRefusal | 'HOLD_LIMIT_EXCEEDED' | 'ADDRESS_HOLD_LIMIT_EXCEEDED' | 'HOLD_COOLDOWN' | CancelRefusal | HoldRefusal;

/** What a deciding statement says of a refused request: the code, and the evidence for it. */
export interface Refused {
  refusal: Refusal;
  /** The requested seats that justify the refusal (out of range; booked or held). */
  seats?: number[] | null;
  /** HOLD_COOLDOWN, SEAT_TAKEN, SEAT_HELD: the labels of `seats` (B5), as customers know them. */
  seat_labels?: string[] | null;
  /** Out of range: the seats the show has. */
  total_seats?: number | null;
  /** A cancel: the booking refused (NULL: no such booking); its show having started refuses the cancel, not a sale. */
  booking_id?: number | null;
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

const TOO_LATE_TO_CANCEL = 'The show has already started; the booking can no longer be cancelled.';

/** "seat B5", "seats B5 and B6", "seats B5, B6 and B7". */
function seatList(labels: string[]): string {
  if (labels.length <= 1) return `seat ${labels[0] ?? ''}`.trim();
  return `seats ${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

/**
 * 429 with Retry-After: seats this customer or their network has kept for a
 * whole hold's time (a hold that ran out, or holds given back and made again
 * one after another) are for others first, for the cooldown. Seats are named
 * by label, as everywhere a customer reads them.
 */
function coolingDown({ cooldown_until, now, seats, seat_labels }: Refused): AppError {
  const seconds = Math.max(1, Math.ceil(((cooldown_until?.getTime() ?? 0) - (now?.getTime() ?? 0)) / 1000));
  const numbers = seats ?? [];
  const labels = seat_labels?.length === numbers.length ? seat_labels : numbers.map(String);
  const them = labels.length > 1 ? 'them' : 'it';
  return new HoldError(
    'HOLD_COOLDOWN',
    `You or your network have held ${seatList(labels)} for as long as one hold lasts; ${labels.length > 1 ? 'they are' : 'it is'} free for others first. You may hold ${them} again in ${seconds} s.`,
    { seats: numbers, retry_after: seconds },
  ).withHeaders({ 'retry-after': String(seconds) });
}

/** Code → error: the one place a refusal becomes an answer. The statements decide; nothing here re-derives. */
const ANSWERS: Record<Refusal, (refused: Refused) => AppError> = {
  SHOW_NOT_FOUND: () => new ShowError('SHOW_NOT_FOUND'),
  SHOW_CANCELLED: () => new ShowError('SHOW_CANCELLED'),
  SEAT_OUT_OF_RANGE: ({ seats, total_seats }) => BookingError.outOfRange(seats ?? [], total_seats ?? null),
  SHOW_STARTED: ({ booking_id }) => (booking_id ? new ShowError('SHOW_STARTED', TOO_LATE_TO_CANCEL) : new ShowError('SHOW_STARTED')),
  PAYMENT_REQUIRED: () => new OrderError('PAYMENT_REQUIRED'),
  SEAT_TAKEN: ({ seats, seat_labels }) => BookingError.taken(seats ?? [], seat_labels),
  SHOW_FULL: ({ seats }) => BookingError.showFull(seats ?? []),
  SEAT_HELD: ({ seats, seat_labels }) => BookingError.held(seats ?? [], seat_labels),
  HOLD_LIMIT_EXCEEDED: ({ held, limit }) => HoldError.limitExceeded(limit ?? 0, held ?? 0),
  ADDRESS_HOLD_LIMIT_EXCEEDED: ({ held_by_address, address_limit }) => HoldError.addressLimitExceeded(address_limit ?? 0, held_by_address ?? 0),
  HOLD_COOLDOWN: coolingDown,
  BOOKING_LIMIT_EXCEEDED: ({ booked, limit }) => BookingError.limitExceeded(limit ?? 0, booked ?? 0),
  BOOKING_NOT_FOUND: () => new BookingError('BOOKING_NOT_FOUND'),
  NOT_BOOKING_OWNER: () => new BookingError('NOT_BOOKING_OWNER'),
  ALREADY_CANCELLED: () => new BookingError('ALREADY_CANCELLED'),
  CHECKED_IN: () => new BookingError('CHECKED_IN'),
  REFUND_CUTOFF_PASSED: () => new BookingError('REFUND_CUTOFF_PASSED'),
  HOLD_NOT_FOUND: () => new HoldError('HOLD_NOT_FOUND'),
  NOT_HOLD_OWNER: () => new HoldError('NOT_HOLD_OWNER'),
  HOLD_ALREADY_CONFIRMED: () => new HoldError('HOLD_ALREADY_CONFIRMED'),
  HOLD_RELEASED: () => new HoldError('HOLD_RELEASED'),
  HOLD_EXPIRED: () => new HoldError('HOLD_EXPIRED'),
};

export function refusalError(refused: Refused): AppError {
  return ANSWERS[refused.refusal](refused);
}
