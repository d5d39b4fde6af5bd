import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { composable, composeMime, fromHeader, MimeMessage } from './mime';

const png = randomBytes(1500);
const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Amélie à 20 h\r\nEND:VCALENDAR\r\n';

function message(overrides: Partial<MimeMessage> = {}): MimeMessage {
  return {
    from: fromHeader('Cinema', 'box-office@cinema.example'),
    to: 'ana@example.com',
    subject: 'Cinema: your ticket for Inception',
    text: 'Hello ana,\n\nSeat A1: ticket T-1\n',
    html: '<p>Hello ana,</p><img src="cid:ticket-1@box-office">',
    attachments: [
      { filename: 'ticket-A1.png', content: png, contentType: 'image/png', cid: 'ticket-1@box-office' },
      { filename: 'show.ics', content: ics, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' },
    ],
    date: new Date('2026-12-07T09:20:05Z'),
    domain: 'cinema.example',
    ...overrides,
  };
}

describe('composeMime', () => {
  it('writes a message mailparser reads back whole: headers, both bodies, the inline image by its cid and the calendar file, byte for byte', async () => {
    const raw = composeMime(message());
    const mail = await simpleParser(raw);
    expect(mail.from?.value).toEqual([{ name: 'Cinema', address: 'box-office@cinema.example' }]);
    expect(mail.to && !Array.isArray(mail.to) && mail.to.value).toEqual([{ name: '', address: 'ana@example.com' }]);
    expect(mail.subject).toBe('Cinema: your ticket for Inception');
    expect(mail.date?.toISOString()).toBe('2026-12-07T09:20:05.000Z');
    expect(mail.messageId).toMatch(/^<[0-9a-f]{24}@cinema\.example>$/);
    expect(mail.text).toBe('Hello ana,\n\nSeat A1: ticket T-1\n');
    // mailparser puts the inline image's data into the HTML; the part itself is still there, by its cid.
    expect(mail.html).toContain('<p>Hello ana,</p>');
    const [image, calendar] = mail.attachments;
    expect(image).toMatchObject({ filename: 'ticket-A1.png', contentType: 'image/png', contentDisposition: 'inline', cid: 'ticket-1@box-office', related: true });
    expect(image.content.equals(png)).toBe(true);
    expect(calendar).toMatchObject({ filename: 'show.ics', contentType: 'text/calendar', contentDisposition: 'attachment' });
    expect(calendar.content.toString('utf8')).toBe(ics);
  });

  it('keeps to the line rules: CRLF only, no line over 78 characters, the structure mixed > related > alternative', () => {
    const raw = composeMime(message({ subject: `Cinema: your 12 tickets for ${'A very long title '.repeat(8)}` })).toString('utf8');
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    const types = [...raw.matchAll(/^Content-Type: (multipart\/\w+)/gm)].map((m) => m[1]);
    expect(types).toEqual(['multipart/mixed', 'multipart/related', 'multipart/alternative']);
  });

  it('encodes what is not plain ASCII: a long or accented subject and display name come back as they were', async () => {
    const subject = `Kino Łódź: twój bilet na „Amélie” ${'ąęść '.repeat(12)}`.trim();
    const mail = await simpleParser(composeMime(message({ from: fromHeader('Kino Łódź', 'kasa@kino.example'), subject })));
    expect(mail.subject).toBe(subject);
    expect(mail.from?.value).toEqual([{ name: 'Kino Łódź', address: 'kasa@kino.example' }]);
  });

  it('quotes a plain display name with quotes in it', async () => {
    const mail = await simpleParser(composeMime(message({ from: fromHeader('The "Roxy", Main St', 'roxy@cinema.example') })));
    expect(mail.from?.value).toEqual([{ name: 'The "Roxy", Main St', address: 'roxy@cinema.example' }]);
  });

  it('a message with neither inline images nor files is the two alternatives alone', async () => {
    const raw = composeMime(message({ attachments: [] }));
    expect([...raw.toString('utf8').matchAll(/^Content-Type: (multipart\/\w+)/gm)].map((m) => m[1])).toEqual(['multipart/alternative']);
    const mail = await simpleParser(raw);
    expect(mail.attachments).toHaveLength(0);
    expect(mail.text).toBe('Hello ana,\n\nSeat A1: ticket T-1\n');
  });

  it('leaves to nodemailer what it does not write itself: internationalised addresses, file names with quotes or accents', () => {
    expect(composable('ana@example.com', message().attachments)).toBe(true);
    expect(composable('añа@example.com')).toBe(false);
    expect(composable('ana@exämple.com')).toBe(false);
    expect(composable('"ana smith"@example.com')).toBe(false);
    expect(composable('ana@example.com', [{ filename: 'ticket-Ä1.png', content: png, contentType: 'image/png' }])).toBe(false);
    expect(composable('ana@example.com', [{ filename: 'a"b.png', content: png, contentType: 'image/png' }])).toBe(false);
  });
});
