import { errorsOf } from '../common/errors/app-error';

const AUTH_ERRORS = {
  INVALID_CREDENTIALS: { status: 401, detail: 'The username or password is wrong.' },
  INVALID_REFRESH_TOKEN: { status: 401, detail: 'The refresh token is invalid, expired or already used.' },
  NOT_AUTHENTICATED: { status: 401, detail: 'This endpoint needs an access token: send Authorization: Bearer <token>.' },
  TOKEN_EXPIRED: { status: 401, detail: 'The access token has expired; get a new one from /login/refresh/.' },
  INVALID_TOKEN: { status: 401, detail: 'The access token is not valid.' },
  FORBIDDEN: { status: 403, detail: 'Your account is not allowed to do this.' },
};

export type AuthErrorCode = keyof typeof AUTH_ERRORS;

export class AuthError extends errorsOf(AUTH_ERRORS) {}
