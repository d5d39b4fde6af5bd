import { errorsOf } from '../common/errors/app-error';

const USER_ERRORS = {
  USERNAME_TAKEN: { status: 409, detail: 'That username is already taken.' },
  USER_NOT_FOUND: { status: 404, detail: 'No such user.' },
};

export type UserErrorCode = keyof typeof USER_ERRORS;

export class UserError extends errorsOf(USER_ERRORS) {}
