import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import type { ErrorSpec } from '../errors/app-error';

@ApiSchema({ name: 'FieldError' })
export class FieldErrorResponse {
  @ApiProperty({ example: 'seat_number' }) field: string;
  @ApiProperty({ example: 'seat_number must be an integer number' }) message: string;
}

/** RFC 9457 problem details; some codes add fields of their own (seats, limit, retry_after...). */
@ApiSchema({ name: 'Problem', description: 'RFC 9457 problem details (application/problem+json); some codes add fields of their own.' })
export class ProblemResponse {
  @ApiProperty({ example: '/problems/seat-taken' }) type: string;
  @ApiProperty({ example: 'Conflict' }) title: string;
  @ApiProperty({ type: 'integer', example: 409 }) status: number;
  @ApiProperty({ example: 'Already booked: seat 12.' }) detail: string;
  @ApiProperty({ example: 'SEAT_TAKEN', description: 'Stable machine-readable code' }) code: string;
  @ApiPropertyOptional({ type: 'integer', isArray: true, example: [12], description: 'Seat refusals: the seats that justify it' }) seats?: number[];
  @ApiPropertyOptional({ type: 'integer', description: 'RATE_LIMITED, HOLD_COOLDOWN, SHOW_BUSY: seconds to wait (also in Retry-After)' }) retry_after?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'SHOW_BUSY: your place in the show\'s line (1 = next)' }) place?: number;
  @ApiPropertyOptional({ description: 'SHOW_BUSY: send it back in the Queue-Ticket header, when Retry-After says, to keep your place' }) ticket?: string;
  @ApiPropertyOptional({ description: 'Only on 5xx; also in the server log', example: '0f6b3c1e-8d2a-4c8e-9f1a-2b3c4d5e6f70' }) request_id?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'Check-in refusals: the booking the ticket is' }) booking_id?: number;
  @ApiPropertyOptional({ type: 'integer', description: "WRONG_SHOW: the ticket's own show" }) show_id?: number;
  @ApiPropertyOptional({ example: 'C7', description: "Check-in refusals: the ticket's seat" }) seat_label?: string;
  @ApiPropertyOptional({ type: 'string', format: 'date-time', description: 'ALREADY_CHECKED_IN: when the ticket was checked in first' }) checked_in_at?: string;
  @ApiPropertyOptional({ type: 'string', format: 'date-time', description: "TOO_EARLY: when check-in for the ticket's show opens" }) opens_at?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: "SHOW_HAS_BOOKINGS: the show's booked seats" }) booked?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: "SHOW_HAS_BOOKINGS: the show's seats held by a hold that has not expired" }) held?: number;
}

@ApiSchema({ name: 'ValidationProblem', description: 'A 400 VALIDATION_FAILED problem, naming each field that is wrong.' })
export class ValidationProblemResponse extends ProblemResponse {
  @ApiProperty({ type: [FieldErrorResponse] }) errors: FieldErrorResponse[];
}

/** What an example of a code says: a plausible detail and the code's own fields. */
const EXAMPLE: Record<string, Record<string, unknown>> = {
  VALIDATION_FAILED: { detail: 'The request is not valid.', errors: [{ field: 'seat_number', message: 'seat_number must be an integer number' }] },
  SEAT_OUT_OF_RANGE: { detail: 'No such seat: 51. This show has seats 1 to 50.', seats: [51] },
  SEAT_TAKEN: { detail: 'Already booked: seat 12.', seats: [12] },
  SEAT_HELD: { detail: 'Held by another customer: seat 12.', seats: [12] },
  SHOW_FULL: { detail: 'Every seat of this show is booked.', seats: [12] },
  RATE_LIMITED: { detail: 'Too many requests from this address. Try again in 30 s.', retry_after: 30 },
  SHOW_BUSY: {
    detail: 'Many customers are booking this show right now: you are number 140 in line. Send the request again in 2 s with the header Queue-Ticket: Zm9vYmFy.8.140.1796660400000.c2lnbmF0dXJlLW9mLXRp to keep your place.',
    retry_after: 2,
    place: 140,
    ticket: 'Zm9vYmFy.8.140.1796660400000.c2lnbmF0dXJlLW9mLXRp',
  },
  HOLD_COOLDOWN: {
    detail: 'You or your network have held seat B5 for as long as one hold lasts; it is free for others first. You may hold it again in 42 s.',
    seats: [25],
    retry_after: 42,
  },
  WRONG_SHOW: { detail: 'This ticket is for another show (show 8, seat C7).', booking_id: 1, show_id: 8, seat_label: 'C7' },
  ALREADY_CHECKED_IN: {
    detail: 'This ticket (seat C7) was already checked in at 2026-12-01T18:05:00.000Z.',
    booking_id: 1,
    seat_label: 'C7',
    checked_in_at: '2026-12-01T18:05:00.000Z',
  },
  SHOW_HAS_BOOKINGS: {
    detail: 'The show has 3 booked and 2 held seats: to move it, send "notify_customers": true, and each customer with a booking of it is e-mailed the new time.',
    booked: 3,
    held: 2,
  },
  TOO_EARLY: { detail: 'Check-in for this show opens at 2026-12-01T17:30:00.000Z.', booking_id: 1, seat_label: 'C7', opens_at: '2026-12-01T17:30:00.000Z' },
  INTERNAL_ERROR: { detail: 'Something went wrong on our side. Quote request id 0f6b3c1e if you report it.', request_id: '0f6b3c1e' },
};

export const problemExample = (status: number, code: string) => ({
  type: `/problems/${code.toLowerCase().replace(/_/g, '-')}`,
  title: STATUS_CODES[status] ?? 'Error',
  status,
  detail: `See the code ${code}.`,
  code,
  ...EXAMPLE[code],
});

/** The schema of a problem answer with these codes: a validation problem names fields. */
export const problemSchema = (codes: string[]) =>
  codes.length === 1 && codes[0] === 'VALIDATION_FAILED'
    ? { $ref: getSchemaPath(ValidationProblemResponse) }
    : codes.includes('VALIDATION_FAILED')
      ? { anyOf: [{ $ref: getSchemaPath(ValidationProblemResponse) }, { $ref: getSchemaPath(ProblemResponse) }] }
      : { $ref: getSchemaPath(ProblemResponse) };

/** An error class made by errorsOf: its table says each code's status. */
interface ErrorTable {
  readonly table: Readonly<Record<string, ErrorSpec>>;
}

/** The codes of these error classes' tables. */
type CodeOf<Classes extends ErrorTable> = Classes extends { readonly table: Readonly<Record<infer Code, ErrorSpec>> } ? Code & string : never;

/**
 * Makes the decorator that documents a route's problem+json answers from
 * these error classes' tables: `ApiProblems('SEAT_TAKEN', 'SHOW_NOT_FOUND')`.
 * A route names codes only; each code's status comes from its table, so a
 * status cannot be restated wrongly and a misspelt code does not compile. The
 * answers are grouped by status, codes in the order given. A code in two
 * tables is a start-up error: its status would be ambiguous.
 */
export function apiProblemsFrom<Classes extends ErrorTable[]>(...classes: Classes) {
  const statusOf = new Map<string, number>();
  for (const { table } of classes) {
    for (const [code, { status }] of Object.entries(table)) {
      if (statusOf.has(code)) throw new Error(`the error code ${code} is in two error tables`);
      statusOf.set(code, status);
    }
  }
  return (...codes: CodeOf<Classes[number]>[]) => {
    const byStatus = new Map<number, string[]>();
    for (const code of codes) {
      const status = statusOf.get(code) as number;
      byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    }
    return applyDecorators(
      ApiExtraModels(ProblemResponse, ValidationProblemResponse),
      ...[...byStatus].map(([status, sameStatus]) =>
        ApiResponse({
          status,
          description: `${STATUS_CODES[status]}: ${sameStatus.join(', ')}`,
          content: {
            'application/problem+json': {
              schema: problemSchema(sameStatus),
              examples: Object.fromEntries(sameStatus.map((code) => [code, { value: problemExample(status, code) }])),
            },
          },
        }),
      ),
    );
  };
}
