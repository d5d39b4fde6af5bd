import { AppError } from '../common/errors/app-error';

export enum ShowErrorCode {
  SHOW_NOT_FOUND = 'SHOW_NOT_FOUND',
  SCREEN_BUSY = 'SCREEN_BUSY',
  SHOW_HAS_BOOKINGS = 'SHOW_HAS_BOOKINGS',
  SHOW_STARTED = 'SHOW_STARTED',
}

export class ShowNotFoundError extends AppError {
  constructor() {
    super(404, ShowErrorCode.SHOW_NOT_FOUND, 'No show has this id.');
  }
}

export class ScreenBusyError extends AppError {
  constructor() {
    super(409, ShowErrorCode.SCREEN_BUSY, 'Another show occupies this screen at that time.');
  }
}

export class ShowHasBookingsError extends AppError {
  constructor(detail = 'The show has booked or held seats that this change would remove.') {
    super(409, ShowErrorCode.SHOW_HAS_BOOKINGS, detail);
  }
}

export class ShowStartedError extends AppError {
  constructor(detail = 'The show has already started.') {
    super(409, ShowErrorCode.SHOW_STARTED, detail);
  }
}
