import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { ShowFilterQuery } from '../../common/http/pagination';

export const MAX_SEATS_PER_REQUEST = 10;

/** A ticket code as the service makes them (new_ticket_code(): base64url, 43 characters), or any other of that alphabet. */
export const TICKET_CODE_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Either `seat_number` (one seat, answered with one booking) or `seat_numbers` (1–10, answered with an array). */
@ApiSchema({ name: 'BookSeats' })
export class BookSeatsDto {
  @ApiPropertyOptional({ type: 'integer', example: 12, description: 'One seat; the answer is one booking' })
  @ValidateIf((dto: BookSeatsDto) => dto.seat_numbers === undefined || dto.seat_number !== undefined)
  @IsInt()
  seat_number?: number;

  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    minItems: 1,
    maxItems: MAX_SEATS_PER_REQUEST,
    uniqueItems: true,
    example: [12, 13],
    description: `1–${MAX_SEATS_PER_REQUEST} distinct seats, all booked or none; the answer is an array`,
  })
  @ValidateIf((dto: BookSeatsDto) => dto.seat_numbers !== undefined)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SEATS_PER_REQUEST)
  @ArrayUnique({ message: 'seat_numbers must not repeat a seat' })
  @IsArray()
  @IsInt({ each: true })
  seat_numbers?: number[];

  @ApiPropertyOptional({ format: 'email', maxLength: 254, description: 'A sale at the box office (admin or staff, a priced show): who receives the tickets' })
  @IsOptional()
  @IsEmail({}, { message: 'customer_email must be an e-mail address' })
  @MaxLength(254)
  customer_email?: string;
}

export class MyBookingsQuery extends ShowFilterQuery {
  @ApiPropertyOptional({ enum: ['booked', 'cancelled'] })
  @IsOptional()
  @IsIn(['booked', 'cancelled'])
  status?: 'booked' | 'cancelled';
}

@ApiSchema({ name: 'Booking' })
export class BookingResponse {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty({ type: 'integer', example: 3 }) user_id: number;
  @ApiProperty({ type: 'integer', example: 7 }) show_id: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 12 }) seat_number: number;
  @ApiProperty({ enum: ['booked', 'cancelled'], example: 'booked' }) status: 'booked' | 'cancelled';
  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-11-25T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: null, description: 'Set when cancelled' }) cancelled_at: string | null;
  @ApiProperty({
    pattern: TICKET_CODE_PATTERN.source,
    example: 'n2b9QNCUQXOK2OyeE3Mj11SAZ06zzEwGtmm-YoKFHJU',
    description: 'The ticket: what its QR code (GET /bookings/{id}/ticket.png) says and the door scans (POST /check-ins/); 244 random bits, URL-safe. Only its owner and admins see it.',
  })
  ticket_code: string;
  @ApiProperty({ example: 'C7', description: 'The seat as it was sold: its row letter(s) and its number in the row (see GET /shows/{id}/seats/)' }) seat_label: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: null, description: 'When the ticket was checked in at the door' }) checked_in_at: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1250, description: "What the seat was sold at, in minor units of the show's currency (0: a free show)" }) price: number;
  @ApiProperty({ type: 'integer', nullable: true, example: null, description: 'The order that paid for it (null for a free seat)' }) order_id: number | null;
}

@ApiSchema({ name: 'MyBooking' })
export class MyBookingResponse extends BookingResponse {
  @ApiProperty({ example: 'The Matrix' }) movie_title: string;
  @ApiProperty({ example: 'Screen 1' }) screen_name: string;
  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-12-01T18:30:00.000Z', description: "The show's start" }) date_time: string;
  @ApiProperty({ type: 'integer', example: 100, description: "The show's seats: a front end draws its rows from them" }) total_seats: number;
  @ApiProperty({ enum: ['scheduled', 'cancelled'], example: 'scheduled', description: "The show's status: a cancelled show cancelled its bookings" })
  show_status: 'scheduled' | 'cancelled';
}
