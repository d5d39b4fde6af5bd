import type { FastifyReply } from 'fastify';

/** A text field a spreadsheet would take for a formula begins with one of these. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A field with one of these is quoted (RFC 4180 §2.6). */
const NEEDS_QUOTES = /[",\r\n]/;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  // Customers choose their names and addresses; a manager's spreadsheet must not run them (OWASP, "CSV injection").
  return FORMULA_START.test(value) ? `'${value}` : value;
}

const field = (text: string) => (NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
const record = (fields: string[]) => `${fields.map(field).join(',')}\r\n`;

/**
 * Rows as RFC 4180 CSV: a header row of the column names, then one record per
 * row, every record ended by CRLF; a field with a comma, a quote, CR or LF is
 * quoted and its quotes doubled; null is an empty field. A text field that
 * begins with `=`, `+`, `-`, `@`, a tab or CR gets a leading apostrophe, so a
 * spreadsheet shows it as text instead of running it as a formula.
 */
export function toCsv<Row extends object>(columns: readonly (keyof Row & string)[], rows: readonly Row[]): string {
  return record([...columns]) + rows.map((row) => record(columns.map((column) => cell(row[column])))).join('');
}

/** The quality Accept gives `type`: the q of the most specific range that matches it (RFC 9110 §12.5.1); 0 when none does. */
function quality(accept: string, type: string): number {
  const group = `${type.split('/')[0]}/*`;
  let best = { specificity: -1, q: 0 };
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const specificity = range === type ? 2 : range === group ? 1 : range === '*/*' ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const weight = params.find((param) => param.startsWith('q='));
    const q = weight === undefined ? 1 : Number(weight.slice(2));
    best = { specificity, q: Number.isFinite(q) ? q : 0 };
  }
  return best.q;
}

/**
 * Whether a request asks for CSV rather than JSON: `?format=` decides when it
 * is given; otherwise Accept, and only when it ranks text/csv above
 * application/json (so `*` / `*`, a tie or no Accept at all is JSON).
 */
export function wantsCsv(accept: string | undefined, format: 'json' | 'csv' | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  if (!accept) return false;
  return quality(accept, 'text/csv') > quality(accept, 'application/json');
}

/** Answers `csv` as a file to save: text/csv in UTF-8, named `filename` (plain ASCII, no quotes). */
export function csvDownload(reply: FastifyReply, filename: string, csv: string): string {
  void reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`);
  return csv;
}
