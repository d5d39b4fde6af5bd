import { ApiProperty, ApiSchema } from '@nestjs/swagger';

const KINDS = ['standard', 'wheelchair', 'companion', 'premium'] as const;

@ApiSchema({ name: 'PlanSeat', description: "A seat of a screen's plan" })
export class PlanSeatResponse {
  @ApiProperty({ type: 'integer', example: 12 }) seat_number: number;
  @ApiProperty({ example: 'A12' }) label: string;
  @ApiProperty({ enum: KINDS, example: 'standard' }) kind: (typeof KINDS)[number];
}

@ApiSchema({ name: 'PlanRow', description: 'A row of seats from the left, `null` where a place has no seat (an aisle)' })
export class PlanRowResponse {
  @ApiProperty({ example: 'A' }) label: string;
  @ApiProperty({ type: 'array', items: {
      type: 'object',
      nullable: true,
      required: ['seat_number', 'label', 'kind'],
      properties: { seat_number: { type: 'integer', example: 12 }, label: { type: 'string', example: 'A12' }, kind: { type: 'string', enum: [...KINDS] } },
    }, description: 'Seats and gaps (null), left to right' })
  seats: (PlanSeatResponse | null)[];
}

@ApiSchema({ name: 'SeatState' })
export class SeatStateResponse {
  @ApiProperty({ type: 'integer', example: 12 }) seat_number: number;
  @ApiProperty({ example: 'A12', description: 'As tickets, messages and problems name the seat' }) label: string;
  @ApiProperty({ example: 'A', description: "The label of the seat's row" }) row: string;
  @ApiProperty({ enum: KINDS, example: 'standard' }) kind: (typeof KINDS)[number];
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
  @ApiProperty({ type: [PlanRowResponse], description: "The screen's plan for this show's seats: rows in order from the screen, each with its seats and gaps" })
  rows: PlanRowResponse[];
}
