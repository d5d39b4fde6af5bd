import type { CheckInRow, CheckInRefusal } from './sql/check-in';
import { TicketError } from './tickets.errors';

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Code → error: the one place a check-in's refusal becomes an answer, with the evidence CHECK_IN returned. */
const ANSWERS: Record<CheckInRefusal, (row: CheckInRow) => TicketError> = {
  TICKET_NOT_FOUND: () => new TicketError('TICKET_NOT_FOUND'),
  TICKET_CANCELLED: ({ booking_id, seat_label }) =>
    new TicketError('TICKET_CANCELLED', `This ticket (seat ${seat_label}) was cancelled: its booking no longer holds the seat.`, { booking_id, seat_label }),
  WRONG_SHOW: ({ booking_id, show_id, seat_label }) =>
    new TicketError('WRONG_SHOW', `This ticket is for another show (show ${show_id}, seat ${seat_label}).`, { booking_id, show_id, seat_label }),
  ALREADY_CHECKED_IN: ({ booking_id, seat_label, checked_in_at }) =>
    new TicketError('ALREADY_CHECKED_IN', `This ticket (seat ${seat_label}) was already checked in at ${iso(checked_in_at)}.`, {
      booking_id,
      seat_label,
      checked_in_at: iso(checked_in_at),
    }),
  TOO_EARLY: ({ booking_id, seat_label, opens_at }) =>
    new TicketError('TOO_EARLY', `Check-in for this show opens at ${iso(opens_at)}.`, { booking_id, seat_label, opens_at: iso(opens_at) }),
};

export function checkInRefusalError(row: CheckInRow & { refusal: CheckInRefusal }): TicketError {
  return ANSWERS[row.refusal](row);
}
