import { AppError } from '../common/errors/app-error';

export enum UserErrorCode {
  USERNAME_TAKEN = 'USERNAME_TAKEN',
  USER_NOT_FOUND = 'USER_NOT_FOUND',
}

export class UsernameTakenError extends AppError {
  constructor() {
    super(409, UserErrorCode.USERNAME_TAKEN, 'That username is already taken.');
  }
}

export class UserNotFoundError extends AppError {
  constructor() {
    super(404, UserErrorCode.USER_NOT_FOUND, 'No such user.');
  }
}
