import { refusalError, Refused } from './refusals';

describe('refusalError: a statement\'s refusal code becomes the answer', () => {
  const refused = (overrides: Partial<Refused> & Pick<Refused, 'refusal'>): Refused => ({ seats: null, total_seats: null, ...overrides });

  it.each<[string, Refused, { status: number; code: string; detail: string; extras: object }]>([
    ['no such show', refused({ refusal: 'SHOW_NOT_FOUND' }), { status: 404, code: 'SHOW_NOT_FOUND', detail: 'No show has this id.', extras: {} }],
    [
      'the show is cancelled',
      refused({ refusal: 'SHOW_CANCELLED' }),
      { status: 409, code: 'SHOW_CANCELLED', detail: 'The show is cancelled; its seats can no longer be sold or held, and it can no longer be changed.', extras: {} },
    ],
    [
      'seats out of range, with the range',
      refused({ refusal: 'SEAT_OUT_OF_RANGE', seats: [0, 51], total_seats: 50 }),
      { status: 400, code: 'SEAT_OUT_OF_RANGE', detail: 'No such seat: 0, 51. This show has seats 1 to 50.', extras: { seats: [0, 51] } },
    ],
    [
      'seats out of range of a show not known',
      refused({ refusal: 'SEAT_OUT_OF_RANGE', seats: [7], total_seats: null }),
      { status: 400, code: 'SEAT_OUT_OF_RANGE', detail: 'No such seat: 7.', extras: { seats: [7] } },
    ],
    [
      'the show started',
      refused({ refusal: 'SHOW_STARTED' }),
      { status: 409, code: 'SHOW_STARTED', detail: 'The show has already started; its seats can no longer be sold or held.', extras: {} },
    ],
    ['seats taken', refused({ refusal: 'SEAT_TAKEN', seats: [3, 5] }), { status: 409, code: 'SEAT_TAKEN', detail: 'Already booked: seat 3, 5.', extras: { seats: [3, 5] } }],
    ['the show is full', refused({ refusal: 'SHOW_FULL', seats: [9] }), { status: 409, code: 'SHOW_FULL', detail: 'Every seat of this show is booked.', extras: { seats: [9] } }],
    [
      'seats held by another customer',
      refused({ refusal: 'SEAT_HELD', seats: [4] }),
      { status: 409, code: 'SEAT_HELD', detail: 'Held by another customer: seat 4.', extras: { seats: [4] } },
    ],
    [
      'the hold limit',
      refused({ refusal: 'HOLD_LIMIT_EXCEEDED', held: 8, limit: 10 }),
      {
        status: 409,
        code: 'HOLD_LIMIT_EXCEEDED',
        detail: 'One customer may hold at most 10 seats of a show; you already hold 8.',
        extras: { limit: 10, held: 8 },
      },
    ],
    [
      'cancelling after the show started: the same code, said of the booking',
      refused({ refusal: 'SHOW_STARTED', booking_id: 12 }),
      { status: 409, code: 'SHOW_STARTED', detail: 'The show has already started; the booking can no longer be cancelled.', extras: {} },
    ],
    ['no such booking', refused({ refusal: 'BOOKING_NOT_FOUND', booking_id: null }), { status: 404, code: 'BOOKING_NOT_FOUND', detail: 'No booking has this id.', extras: {} }],
    [
      "someone else's booking",
      refused({ refusal: 'NOT_BOOKING_OWNER', booking_id: 12 }),
      { status: 403, code: 'NOT_BOOKING_OWNER', detail: 'This booking belongs to another customer.', extras: {} },
    ],
    [
      'a booking cancelled already',
      refused({ refusal: 'ALREADY_CANCELLED', booking_id: 12 }),
      { status: 409, code: 'ALREADY_CANCELLED', detail: 'This booking is already cancelled.', extras: {} },
    ],
    [
      'a booking checked in at the door',
      refused({ refusal: 'CHECKED_IN', booking_id: 12 }),
      { status: 409, code: 'CHECKED_IN', detail: 'This ticket was checked in at the door; the booking can no longer be cancelled.', extras: {} },
    ],
    ['no such hold', refused({ refusal: 'HOLD_NOT_FOUND' }), { status: 404, code: 'HOLD_NOT_FOUND', detail: 'No hold has this id.', extras: {} }],
    ["someone else's hold", refused({ refusal: 'NOT_HOLD_OWNER' }), { status: 403, code: 'NOT_HOLD_OWNER', detail: 'This hold belongs to another customer.', extras: {} }],
    [
      'a hold confirmed already',
      refused({ refusal: 'HOLD_ALREADY_CONFIRMED' }),
      { status: 409, code: 'HOLD_ALREADY_CONFIRMED', detail: 'The hold was already confirmed; its bookings are in /my-bookings/.', extras: {} },
    ],
    ['a released hold', refused({ refusal: 'HOLD_RELEASED' }), { status: 409, code: 'HOLD_RELEASED', detail: 'The hold was released.', extras: {} }],
    [
      'an expired hold',
      refused({ refusal: 'HOLD_EXPIRED' }),
      { status: 410, code: 'HOLD_EXPIRED', detail: 'The hold has expired and its seats were released; hold them again.', extras: {} },
    ],
  ])('%s', (_case, input, expected) => {
    const error = refusalError(input);
    expect({ status: error.status, code: error.code, detail: error.detail, extras: error.extras }).toEqual(expected);
  });
});
