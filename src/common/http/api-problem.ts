import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';

export class FieldErrorResponse {
  @ApiProperty({ example: 'seat_number' }) field: string;
  @ApiProperty({ example: 'seat_number must be an integer number' }) message: string;
}

export class ProblemResponse {
  @ApiProperty({ example: '/problems/seat-taken' }) type: string;
  @ApiProperty({ example: 'Conflict' }) title: string;
  @ApiProperty({ example: 409 }) status: number;
  @ApiProperty({ example: 'Seat 12 is already booked.' }) detail: string;
  @ApiProperty({ example: 'SEAT_TAKEN', description: 'Stable machine-readable code' }) code: string;
  @ApiPropertyOptional({ type: [FieldErrorResponse] }) errors?: FieldErrorResponse[];
  @ApiPropertyOptional({ description: 'Only on 5xx; also in the server log' }) request_id?: string;
}

/** Documents problem+json answers: `ApiProblems([409, 'SEAT_TAKEN', 'SHOW_FULL'], [404, 'SHOW_NOT_FOUND'])`. */
export function ApiProblems(...answers: [number, ...string[]][]) {
  return applyDecorators(
    ApiExtraModels(ProblemResponse),
    ...answers.map(([status, ...codes]) =>
      ApiResponse({
        status,
        description: `${STATUS_CODES[status]}: ${codes.join(', ')}`,
        content: {
          'application/problem+json': {
            schema: { $ref: getSchemaPath(ProblemResponse) },
            examples: Object.fromEntries(
              codes.map((code) => [
                code,
                {
                  value: {
                    type: `/problems/${code.toLowerCase().replace(/_/g, '-')}`,
                    title: STATUS_CODES[status],
                    status,
                    detail: '…',
                    code,
                  },
                },
              ]),
            ),
          },
        },
      }),
    ),
  );
}
