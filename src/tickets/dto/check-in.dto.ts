import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { TICKET_CODE_PATTERN } from '../../bookings/dto/booking.dto';

/** What a door scanner sends: the code its camera read, and the show this door admits to. */
@ApiSchema({ name: 'CheckIn' })
export class CheckInDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 256,
    pattern: TICKET_CODE_PATTERN.source,
    example: 'n2b9QNCUQXOK2OyeE3Mj11SAZ06zzEwGtmm-YoKFHJU',
    description: "The ticket's code, as its QR code says it; one of that alphabet that no ticket has is 404 TICKET_NOT_FOUND",
  })
  @Matches(TICKET_CODE_PATTERN, { message: 'ticket_code must be a ticket code: letters, digits, - and _' })
  @Length(1, 256)
  @IsString()
  ticket_code: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 2_147_483_647,
    example: 7,
    description: 'The show this door admits to: a ticket of another show is 409 WRONG_SHOW. Left out: any show.',
  })
  // Left out, not null: a null would otherwise pass as "any show" by accident.
  @ValidateIf((dto: CheckInDto) => dto.show_id !== undefined)
  @Min(1)
  @Max(2_147_483_647)
  @IsInt()
  show_id?: number;
}

@ApiSchema({ name: 'CheckInResult' })
export class CheckInResponse {
  @ApiProperty({ type: 'integer', example: 1 }) booking_id: number;
  @ApiProperty({ type: 'integer', example: 7 }) show_id: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 47 }) seat_number: number;
  @ApiProperty({ example: 'C7', description: 'The seat as it was sold' }) seat_label: string;
  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-12-01T18:05:00.000Z' }) checked_in_at: string;
}

@ApiSchema({ name: 'CheckInCounts' })
export class CheckInCountsResponse {
  @ApiProperty({ type: 'integer', example: 7 }) show_id: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 42, description: 'Tickets of the show checked in' }) admitted: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 96, description: 'Active bookings of the show (one ticket each)' }) expected: number;
}
