import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt } from 'class-validator';
import { MAX_SEATS_PER_REQUEST } from '../dto/booking.dto';

export class CreateHoldDto {
  @ApiProperty({ example: [12, 13], description: `1–${MAX_SEATS_PER_REQUEST} distinct seats` })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SEATS_PER_REQUEST)
  @ArrayUnique({ message: 'seat_numbers must not repeat a seat' })
  @IsInt({ each: true })
  @IsArray()
  seat_numbers: number[];
}

export class HoldResponse {
  @ApiProperty({ example: 7 }) id: number;
  @ApiProperty({ example: 3 }) user_id: number;
  @ApiProperty({ example: 1 }) show_id: number;
  @ApiProperty({ example: [12, 13] }) seat_numbers: number[];
  @ApiProperty({ enum: ['active', 'confirmed', 'released', 'expired'] }) status: string;
  @ApiProperty({ example: '2026-11-25T10:10:00.000Z' }) expires_at: string;
}
