import { errorsOf } from '../common/errors/app-error';

const TICKET_ERRORS = {
  TICKET_NOT_FOUND: { status: 404, detail: 'No ticket has this code.' },
  TICKET_CANCELLED: { status: 409, detail: 'This ticket was cancelled: its booking no longer holds the seat.' },
  WRONG_SHOW: { status: 409, detail: 'This ticket is for another show.' },
  ALREADY_CHECKED_IN: { status: 409, detail: 'This ticket was already checked in.' },
  // Of the moment: the same scan succeeds once the door opens.
  TOO_EARLY: { status: 409, detail: 'Check-in for this show has not opened yet.', transient: true },
};

export type TicketErrorCode = keyof typeof TICKET_ERRORS;

export class TicketError extends errorsOf(TICKET_ERRORS) {}
