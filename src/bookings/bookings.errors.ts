import { AppError } from '../common/errors/app-error';

export enum BookingErrorCode {
  SEAT_OUT_OF_RANGE = 'SEAT_OUT_OF_RANGE',
  SEAT_TAKEN = 'SEAT_TAKEN',
  SEAT_HELD = 'SEAT_HELD',
  SHOW_FULL = 'SHOW_FULL',
  BOOKING_NOT_FOUND = 'BOOKING_NOT_FOUND',
  NOT_BOOKING_OWNER = 'NOT_BOOKING_OWNER',
  ALREADY_CANCELLED = 'ALREADY_CANCELLED',
}

function statusOf(code: BookingErrorCode): number {
  switch (code) {
    case BookingErrorCode.SEAT_OUT_OF_RANGE:
      return 400;
    case BookingErrorCode.NOT_BOOKING_OWNER:
      return 403;
    case BookingErrorCode.BOOKING_NOT_FOUND:
      return 404;
    case BookingErrorCode.SEAT_TAKEN:
    case BookingErrorCode.SEAT_HELD:
    case BookingErrorCode.SHOW_FULL:
    case BookingErrorCode.ALREADY_CANCELLED:
      return 409;
  }
}

const list = (seats: number[]) => seats.join(', ');

export class BookingError extends AppError {
  constructor(code: BookingErrorCode, detail: string, extras: Record<string, unknown> = {}) {
    super(statusOf(code), code, detail, extras);
  }

  static outOfRange(seats: number[], totalSeats?: number): BookingError {
    const range = totalSeats ? ` This show has seats 1 to ${totalSeats}.` : '';
    return new BookingError(BookingErrorCode.SEAT_OUT_OF_RANGE, `No such seat: ${list(seats)}.${range}`, { seats });
  }

  static taken(seats: number[]): BookingError {
    return new BookingError(BookingErrorCode.SEAT_TAKEN, `Already booked: seat ${list(seats)}.`, { seats });
  }

  static held(seats: number[]): BookingError {
    return new BookingError(BookingErrorCode.SEAT_HELD, `Held by another customer: seat ${list(seats)}.`, { seats });
  }

  static showFull(seats: number[]): BookingError {
    return new BookingError(BookingErrorCode.SHOW_FULL, 'Every seat of this show is booked.', { seats });
  }

  static notFound(): BookingError {
    return new BookingError(BookingErrorCode.BOOKING_NOT_FOUND, 'No booking has this id.');
  }

  static notOwner(): BookingError {
    return new BookingError(BookingErrorCode.NOT_BOOKING_OWNER, 'This booking belongs to another customer.');
  }

  static alreadyCancelled(): BookingError {
    return new BookingError(BookingErrorCode.ALREADY_CANCELLED, 'This booking is already cancelled.');
  }
}
