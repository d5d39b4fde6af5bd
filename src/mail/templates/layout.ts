/** Text for HTML: every character that could open markup is escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

/**
 * One look for every message: the cinema's name at the top, the paragraphs,
 * a footer. `paragraphs` are plain text (escaped here); `extraHtml` is markup
 * the template built itself from escaped parts.
 */
export function layout(cinemaName: string, subject: string, paragraphs: string[], extraHtml = '', extraText = ''): Rendered {
  const name = escapeHtml(cinemaName);
  const body = paragraphs.map((p) => `<p style="margin:0 0 12px">${escapeHtml(p)}</p>`).join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1a1a1a;background:#f6f6f6;margin:0;padding:24px">
<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">
<h1 style="font-size:20px;margin:0 0 16px">${name}</h1>
${body}
${extraHtml}
<p style="margin:24px 0 0;font-size:12px;color:#666">${name} box office. This message was sent because of your account with us.</p>
</div></body></html>
`;
  const text = `${cinemaName}\n\n${paragraphs.join('\n\n')}${extraText ? `\n\n${extraText}` : ''}\n\n-- \n${cinemaName} box office\n`;
  return { subject, text, html };
}
