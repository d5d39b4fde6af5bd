import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/http/pagination';

/** `GET /shows/{id}/bookings/`: a page of them (JSON), or all of them (CSV). */
export class ShowBookingsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['booked', 'cancelled'], description: 'Only the bookings in this state' })
  @IsOptional()
  @IsIn(['booked', 'cancelled'])
  status?: 'booked' | 'cancelled';

  @ApiPropertyOptional({
    enum: ['json', 'csv'],
    description: 'csv: the answer is text/csv, every row (limit and offset do not apply). Decides over Accept; without it, Accept decides (JSON unless it ranks text/csv higher).',
  })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

/** What the door and the box office see of a booking: who it is for, and no ticket code. */
@ApiSchema({ name: 'ShowBooking' })
export class ShowBookingResponse {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 47 }) seat_number: number;
  @ApiProperty({ example: 'C7', description: 'The seat as it was sold' }) seat_label: string;
  @ApiProperty({ enum: ['booked', 'cancelled'], example: 'booked' }) status: 'booked' | 'cancelled';
  @ApiProperty({
    type: 'string',
    nullable: true,
    example: 'john_doe',
    description: "The customer's account; null for a box-office sale to an e-mail address (the account is the seller's)",
  })
  username: string | null;
  @ApiProperty({ example: 'john@example.com', description: "The customer's address: the one a box-office sale named, else the account's" }) email: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1250, description: "What the seat was sold at, in minor units of the show's currency (0: free)" }) price: number;
  @ApiProperty({ type: 'integer', nullable: true, example: 12, description: 'The order that paid for it (null for a free seat)' }) order_id: number | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: null, description: 'When the ticket was checked in at the door' }) checked_in_at: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-11-25T10:00:00.000Z' }) created_at: string;
}

/** The CSV's columns, in the order of the JSON's fields. */
export const SHOW_BOOKING_COLUMNS = ['id', 'seat_number', 'seat_label', 'status', 'username', 'email', 'price', 'order_id', 'checked_in_at', 'created_at'] as const satisfies readonly (keyof ShowBookingResponse)[];
