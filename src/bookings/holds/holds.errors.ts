import { AppError } from '../../common/errors/app-error';

export enum HoldErrorCode {
  HOLD_NOT_FOUND = 'HOLD_NOT_FOUND',
  NOT_HOLD_OWNER = 'NOT_HOLD_OWNER',
  HOLD_EXPIRED = 'HOLD_EXPIRED',
  HOLD_RELEASED = 'HOLD_RELEASED',
  HOLD_ALREADY_CONFIRMED = 'HOLD_ALREADY_CONFIRMED',
  HOLD_LIMIT_EXCEEDED = 'HOLD_LIMIT_EXCEEDED',
}

function statusOf(code: HoldErrorCode): number {
  switch (code) {
    case HoldErrorCode.NOT_HOLD_OWNER:
      return 403;
    case HoldErrorCode.HOLD_NOT_FOUND:
      return 404;
    case HoldErrorCode.HOLD_EXPIRED:
      return 410;
    case HoldErrorCode.HOLD_RELEASED:
    case HoldErrorCode.HOLD_ALREADY_CONFIRMED:
    case HoldErrorCode.HOLD_LIMIT_EXCEEDED:
      return 409;
  }
}

const DETAIL: Record<HoldErrorCode, string> = {
  [HoldErrorCode.HOLD_NOT_FOUND]: 'No hold has this id.',
  [HoldErrorCode.NOT_HOLD_OWNER]: 'This hold belongs to another customer.',
  [HoldErrorCode.HOLD_EXPIRED]: 'The hold has expired and its seats were released; hold them again.',
  [HoldErrorCode.HOLD_RELEASED]: 'The hold was released.',
  [HoldErrorCode.HOLD_ALREADY_CONFIRMED]: 'The hold was already confirmed; its bookings are in /my-bookings/.',
  [HoldErrorCode.HOLD_LIMIT_EXCEEDED]: 'You would hold more seats of this show than allowed.',
};

export class HoldError extends AppError {
  constructor(code: HoldErrorCode, detail = DETAIL[code], extras: Record<string, unknown> = {}) {
    super(statusOf(code), code, detail, extras);
  }

  static limitExceeded(limit: number, alreadyHeld: number): HoldError {
    return new HoldError(
      HoldErrorCode.HOLD_LIMIT_EXCEEDED,
      `One customer may hold at most ${limit} seats of a show; you already hold ${alreadyHeld}.`,
      { limit, held: alreadyHeld },
    );
  }
}
