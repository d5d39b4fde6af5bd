import { errorsOf } from '../../common/errors/app-error';

const HOLD_ERRORS = {
  HOLD_NOT_FOUND: { status: 404, detail: 'No hold has this id.' },
  NOT_HOLD_OWNER: { status: 403, detail: 'This hold belongs to another customer.' },
  HOLD_EXPIRED: { status: 410, detail: 'The hold has expired and its seats were released; hold them again.' },
  HOLD_RELEASED: { status: 409, detail: 'The hold was released.' },
  HOLD_ALREADY_CONFIRMED: { status: 409, detail: 'The hold was already confirmed; its bookings are in /my-bookings/.' },
  HOLD_LIMIT_EXCEEDED: { status: 409, detail: 'You would hold more seats of this show than allowed.' },
  ADDRESS_HOLD_LIMIT_EXCEEDED: { status: 409, detail: 'Your network holds as many seats of this show as one network may.' },
  HOLD_COOLDOWN: { status: 429, detail: 'You or your network have kept these seats for as long as one hold lasts; they are free for others first.', transient: true },
};

export type HoldErrorCode = keyof typeof HOLD_ERRORS;

export class HoldError extends errorsOf(HOLD_ERRORS) {
  static limitExceeded(limit: number, alreadyHeld: number): HoldError {
    return new HoldError(
      'HOLD_LIMIT_EXCEEDED',
      `One customer may hold at most ${limit} seats of a show; you already hold ${alreadyHeld}.`,
      { limit, held: alreadyHeld },
    );
  }

  static addressLimitExceeded(limit: number, alreadyHeld: number): HoldError {
    return new HoldError(
      'ADDRESS_HOLD_LIMIT_EXCEEDED',
      `One network address may hold at most ${limit} seats of this show; it holds ${alreadyHeld} already.`,
      { limit, held: alreadyHeld },
    );
  }
}
