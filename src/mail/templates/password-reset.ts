import { escapeHtml, layout, Rendered } from './layout';

export interface PasswordResetMail {
  username: string;
  /** The page that takes the token. */
  link: string;
  token: string;
  minutes: number;
}

export function passwordResetMail(cinemaName: string, mail: PasswordResetMail): Rendered {
  const subject = `${cinemaName}: reset your password`;
  const paragraphs = [
    `Hello ${mail.username},`,
    `someone (we hope you) asked to reset the password of your account "${mail.username}". Open this link within ${mail.minutes} minutes to choose a new one:`,
  ];
  const after = [`If you did not ask for this, ignore this message: your password stays as it is. The link works once.`, `Code, if the link does not open: ${mail.token}`];
  const html = `<p style="margin:0 0 12px"><a href="${escapeHtml(mail.link)}" style="display:inline-block;background:#1f5fbf;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">Choose a new password</a></p>
${after.map((p) => `<p style="margin:0 0 12px">${escapeHtml(p)}</p>`).join('\n')}`;
  return layout(cinemaName, subject, paragraphs, html, `${mail.link}\n\n${after.join('\n\n')}`);
}
