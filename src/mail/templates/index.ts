import type { Rendered } from './layout';
import { PasswordResetMail, passwordResetMail } from './password-reset';

/** Every message the service sends, by kind, with the data its template needs. Templates are data in, text out. */
export interface MailData {
  'password-reset': PasswordResetMail;
}

export type MailKind = keyof MailData;

const TEMPLATES: { [K in MailKind]: (cinemaName: string, data: MailData[K]) => Rendered } = {
  'password-reset': passwordResetMail,
};

export function render<K extends MailKind>(kind: K, cinemaName: string, data: MailData[K]): Rendered {
  return TEMPLATES[kind](cinemaName, data);
}

export const MAIL_KINDS = Object.keys(TEMPLATES) as MailKind[];
