import { errorsOf } from '../common/errors/app-error';

const SCREEN_ERRORS = {
  SCREEN_NOT_FOUND: { status: 404, detail: 'No screen has this id (GET /screens/ lists them).' },
  SCREEN_NAME_TAKEN: { status: 409, detail: 'The cinema has a screen of this name already (names are compared without case and extra spaces).' },
  SCREEN_IN_USE: { status: 409, detail: 'Shows still to come on this screen have booked or held seats, or more seats than the new plan: the screen cannot change or go.' },
  SCREEN_CAPACITY_EXCEEDED: { status: 400, detail: 'The show would offer more seats than its screen has.' },
};

export class ScreenError extends errorsOf(SCREEN_ERRORS) {
  static capacityExceeded(screen: string, seats: number): ScreenError {
    return new ScreenError('SCREEN_CAPACITY_EXCEEDED', `${screen} has ${seats} seats; a show on it offers at most that many.`);
  }
}
