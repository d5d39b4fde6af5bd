import { AppError } from '../common/errors/app-error';

export enum AuthErrorCode {
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  INVALID_REFRESH_TOKEN = 'INVALID_REFRESH_TOKEN',
  NOT_AUTHENTICATED = 'NOT_AUTHENTICATED',
  TOKEN_EXPIRED = 'TOKEN_EXPIRED',
  INVALID_TOKEN = 'INVALID_TOKEN',
  FORBIDDEN = 'FORBIDDEN',
}

const DETAIL: Record<AuthErrorCode, string> = {
  [AuthErrorCode.INVALID_CREDENTIALS]: 'The username or password is wrong.',
  [AuthErrorCode.INVALID_REFRESH_TOKEN]: 'The refresh token is invalid, expired or already used.',
  [AuthErrorCode.NOT_AUTHENTICATED]: 'This endpoint needs an access token: send Authorization: Bearer <token>.',
  [AuthErrorCode.TOKEN_EXPIRED]: 'The access token has expired; get a new one from /login/refresh/.',
  [AuthErrorCode.INVALID_TOKEN]: 'The access token is not valid.',
  [AuthErrorCode.FORBIDDEN]: 'Your account is not allowed to do this.',
};

export class AuthError extends AppError {
  constructor(code: AuthErrorCode) {
    super(code === AuthErrorCode.FORBIDDEN ? 403 : 401, code, DETAIL[code]);
  }
}
