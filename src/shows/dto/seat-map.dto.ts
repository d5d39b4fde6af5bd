import { ApiProperty } from '@nestjs/swagger';

export class SeatStateResponse {
  @ApiProperty({ example: 12 }) seat_number: number;
  @ApiProperty({ enum: ['available', 'held', 'booked'] }) status: 'available' | 'held' | 'booked';
}

export class SeatMapResponse {
  @ApiProperty({ example: 1 }) show_id: number;
  @ApiProperty({ example: 100 }) total_seats: number;
  @ApiProperty({ example: 97 }) available_seats: number;
  @ApiProperty({ type: [SeatStateResponse] }) seats: SeatStateResponse[];
}
