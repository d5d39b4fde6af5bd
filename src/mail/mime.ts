import { randomBytes } from 'node:crypto';

/** A part attached to a message: inline (named by `cid`, shown by the HTML) or a file to open. */
export interface MimeAttachment {
  filename: string;
  content: Buffer | string;
  contentType: string;
  cid?: string;
}

export interface MimeMessage {
  /** The From header as built by `fromHeader`. */
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: MimeAttachment[];
  date: Date;
  /** The domain of the Message-ID. */
  domain: string;
}

/** Printable US-ASCII, no control characters: safe in a header and in a quoted file name as it is. */
const PLAIN = /^[\x20-\x7e]*$/;
/** An address this composer writes as it is: ASCII, one @, no spaces, quotes, brackets or commas. */
const SIMPLE_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$/;
/** Longest run of UTF-8 bytes per encoded word: 42 bytes are 56 base64 characters, a header line within 78. */
const WORD_BYTES = 42;

/**
 * Whether `composeMime` writes this message itself. Everything the box office
 * sends qualifies (ASCII addresses, ASCII file names); anything else (an
 * internationalised address, say) is left to nodemailer's composer.
 */
export function composable(to: string, attachments: readonly MimeAttachment[] = []): boolean {
  return SIMPLE_ADDRESS.test(to) && attachments.every((a) => PLAIN.test(a.filename) && !/["\\]/.test(a.filename) && PLAIN.test(a.contentType) && (a.cid === undefined || SIMPLE_ADDRESS.test(a.cid)));
}

/** A From header for a display name and an address (the address already checked by `composable`). */
export function fromHeader(name: string, address: string): string {
  if (name === '') return address;
  return `${PLAIN.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : encodedWords(name)} <${address}>`;
}

/**
 * One message as RFC 5322 / MIME bytes, CRLF line ends, in one pass: the
 * text and HTML as alternatives, inline images beside them (multipart/related),
 * other attachments around them (multipart/mixed), every body base64 in lines
 * of 76. nodemailer's composer builds the same structure through a stream per
 * part and cost about 0.85 ms a ticket e-mail, more than rendering it; this
 * takes a few hundredths of that. Specs parse the result with mailparser.
 */
export function composeMime(message: MimeMessage): Buffer {
  const inline = (message.attachments ?? []).filter((a) => a.cid !== undefined);
  const files = (message.attachments ?? []).filter((a) => a.cid === undefined);
  // One random draw a message names it and its boundaries (each boundary a letter apart): a draw each cost a few % of a message.
  const id = randomBytes(12).toString('hex');
  const lines: string[] = [
    `From: ${message.from}`,
    `To: ${message.to}`,
    `Subject: ${subjectHeader(message.subject)}`,
    `Date: ${rfc5322Date(message.date)}`,
    `Message-ID: <${id}@${message.domain}>`,
    'MIME-Version: 1.0',
  ];
  const alternative = (): void => {
    const boundary = boundaryOf(id, 'a');
    lines.push(`Content-Type: multipart/alternative; boundary="${boundary}"`, '');
    lines.push(`--${boundary}`, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', base64Lines(message.text));
    lines.push(`--${boundary}`, 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '', base64Lines(message.html));
    lines.push(`--${boundary}--`);
  };
  const related = (): void => {
    if (inline.length === 0) return alternative();
    const boundary = boundaryOf(id, 'r');
    lines.push(`Content-Type: multipart/related; boundary="${boundary}"`, '', `--${boundary}`);
    alternative();
    for (const part of inline) lines.push(`--${boundary}`, ...partHeaders(part, 'inline'), '', base64Lines(part.content));
    lines.push(`--${boundary}--`);
  };
  if (files.length === 0) related();
  else {
    const boundary = boundaryOf(id, 'm');
    lines.push(`Content-Type: multipart/mixed; boundary="${boundary}"`, '', `--${boundary}`);
    related();
    for (const part of files) lines.push(`--${boundary}`, ...partHeaders(part, 'attachment'), '', base64Lines(part.content));
    lines.push(`--${boundary}--`);
  }
  lines.push('');
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

function partHeaders(part: MimeAttachment, disposition: 'inline' | 'attachment'): string[] {
  const headers = [
    `Content-Type: ${part.contentType}; name="${part.filename}"`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: ${disposition}; filename="${part.filename}"`,
  ];
  if (part.cid !== undefined) headers.push(`Content-ID: <${part.cid}>`);
  return headers;
}

/** Base64 cannot contain "=_", so no body can hold a boundary that starts with it. */
const boundaryOf = (id: string, part: string): string => `=_${part}${id}`;

function base64Lines(content: Buffer | string): string {
  const encoded = (typeof content === 'string' ? Buffer.from(content, 'utf8') : content).toString('base64');
  if (encoded.length <= 76) return encoded;
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.join('\r\n');
}

/** A plain subject that fits a line is written as it is; any other is RFC 2047 encoded words, one per header line. */
function subjectHeader(subject: string): string {
  const flat = subject.replace(/[\r\n\t]+/g, ' ');
  return PLAIN.test(flat) && flat.length <= 68 ? flat : encodedWords(flat);
}

/** `=?UTF-8?B?…?=` words of at most WORD_BYTES bytes each, never splitting a character, folded onto continuation lines. */
function encodedWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > WORD_BYTES) {
      words.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += char;
    bytes += size;
  }
  if (chunk !== '') words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join('\r\n ');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** `Mon, 07 Dec 2026 09:20:00 +0000` (UTC). */
function rfc5322Date(date: Date): string {
  return `${DAYS[date.getUTCDay()]}, ${two(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}
