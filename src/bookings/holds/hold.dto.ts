import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt } from 'class-validator';
import { MAX_SEATS_PER_REQUEST } from '../dto/booking.dto';

@ApiSchema({ name: 'CreateHold' })
export class CreateHoldDto {
  @ApiProperty({
    type: 'integer',
    isArray: true,
    minItems: 1,
    maxItems: MAX_SEATS_PER_REQUEST,
    uniqueItems: true,
    example: [12, 13],
    description: `1–${MAX_SEATS_PER_REQUEST} distinct seats`,
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SEATS_PER_REQUEST)
  @ArrayUnique({ message: 'seat_numbers must not repeat a seat' })
  @IsInt({ each: true })
  @IsArray()
  seat_numbers: number[];
}

@ApiSchema({ name: 'Hold' })
export class HoldResponse {
  @ApiProperty({ type: 'integer', example: 7 }) id: number;
  @ApiProperty({ type: 'integer', example: 3 }) user_id: number;
  @ApiProperty({ type: 'integer', example: 1 }) show_id: number;
  @ApiProperty({ type: 'integer', isArray: true, example: [12, 13] }) seat_numbers: number[];
  @ApiProperty({ enum: ['active', 'confirmed', 'released', 'expired'], example: 'active' }) status: 'active' | 'confirmed' | 'released' | 'expired';
  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-11-25T10:10:00.000Z', description: 'The seats are free for others from then on' })
  expires_at: string;
}
