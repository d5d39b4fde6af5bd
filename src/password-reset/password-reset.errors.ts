import { errorsOf } from '../common/errors/app-error';

const PASSWORD_RESET_ERRORS = {
  RESET_TOKEN_INVALID: { status: 400, detail: 'This password-reset code is not valid. Ask for a new one.' },
  RESET_TOKEN_USED: { status: 400, detail: 'This password-reset code has been used already. Ask for a new one.' },
  RESET_TOKEN_EXPIRED: { status: 400, detail: 'This password-reset code has expired. Ask for a new one.' },
};

export class PasswordResetError extends errorsOf(PASSWORD_RESET_ERRORS) {}
