import { errorsOf } from '../common/errors/app-error';

const BOOKING_ERRORS = {
  SEAT_OUT_OF_RANGE: { status: 400, detail: 'No such seat.' },
  SEAT_TAKEN: { status: 409, detail: 'The seat is already booked.' },
  SEAT_HELD: { status: 409, detail: 'The seat is held by another customer.' },
  SHOW_FULL: { status: 409, detail: 'Every seat of this show is booked.' },
  BOOKING_NOT_FOUND: { status: 404, detail: 'No booking has this id.' },
  NOT_BOOKING_OWNER: { status: 403, detail: 'This booking belongs to another customer.' },
  ALREADY_CANCELLED: { status: 409, detail: 'This booking is already cancelled.' },
  CHECKED_IN: { status: 409, detail: 'This ticket was checked in at the door; the booking can no longer be cancelled.' },
  REFUND_CUTOFF_PASSED: { status: 409, detail: 'Paid bookings can be cancelled until shortly before the show, and this show is too close; the cinema can still cancel it.' },
  BOOKING_LIMIT_EXCEEDED: { status: 409, detail: 'You would book more seats of this show than one customer may.' },
};

export type BookingErrorCode = keyof typeof BOOKING_ERRORS;

const list = (seats: number[]) => seats.join(', ');
const named = (seats: number[], labels?: string[] | null) => (labels && labels.length === seats.length ? labels.join(', ') : list(seats));

export class BookingError extends errorsOf(BOOKING_ERRORS) {
  static outOfRange(seats: number[], totalSeats: number | null): BookingError {
    const range = totalSeats ? ` This show has seats 1 to ${totalSeats}.` : '';
    return new BookingError('SEAT_OUT_OF_RANGE', `No such seat: ${list(seats)}.${range}`, { seats });
  }

  /** `labels`, when given for every seat, name them as customers know them (B5); `seats` stay the numbers. */
  static taken(seats: number[], labels?: string[] | null): BookingError {
    return new BookingError('SEAT_TAKEN', `Already booked: seat ${named(seats, labels)}.`, { seats });
  }

  static held(seats: number[], labels?: string[] | null): BookingError {
    return new BookingError('SEAT_HELD', `Held by another customer: seat ${named(seats, labels)}.`, { seats });
  }

  static limitExceeded(limit: number, booked: number): BookingError {
    return new BookingError('BOOKING_LIMIT_EXCEEDED', `One customer may book at most ${limit} seats of a show; you have ${booked}.`, { limit, booked });
  }

  static showFull(seats: number[]): BookingError {
    return new BookingError('SHOW_FULL', BOOKING_ERRORS.SHOW_FULL.detail, { seats });
  }
}
