import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'SeatState' })
export class SeatStateResponse {
  @ApiProperty({ type: 'integer', example: 12 }) seat_number: number;
  @ApiProperty({ enum: ['available', 'held', 'booked'], example: 'available' }) status: 'available' | 'held' | 'booked';
}

@ApiSchema({ name: 'SeatMap' })
export class SeatMapResponse {
  @ApiProperty({ type: 'integer', example: 1 }) show_id: number;
  @ApiProperty({ enum: ['scheduled', 'cancelled'], example: 'scheduled', description: "The show's status: a cancelled show's seats are free and sell no more" })
  show_status: 'scheduled' | 'cancelled';
  @ApiProperty({ type: 'integer', example: 100 }) total_seats: number;
  @ApiProperty({ type: 'integer', example: 97 }) available_seats: number;
  @ApiProperty({ type: [SeatStateResponse], description: 'Every seat, in seat order' }) seats: SeatStateResponse[];
}
