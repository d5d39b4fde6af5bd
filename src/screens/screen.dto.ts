import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { decimalInteger } from '../common/http/pagination';
import { PlanRowResponse } from '../shows/dto/seat-map.dto';
import type { RowInput } from './plan';

const ROWS_DESCRIPTION =
  'Rows from the screen back: `{label?, seats: N}` (N seats), or `{label?, seats: [{kind?, label?} | null, …]}` (null: a gap, an aisle). ' +
  'Seats are numbered 1.. through the rows; a seat is labelled by its row and its place counting seats, not gaps (A1 A2 _ A3), unless it names its label. ' +
  'Kinds: standard (the default), wheelchair, companion, premium. Up to 2,000 seats.';

@ApiSchema({ name: 'Screen' })
export class ScreenResponse {
  @ApiProperty({ type: 'integer', example: 3 }) id: number;
  @ApiProperty({ type: 'integer', example: 1 }) cinema_id: number;
  @ApiProperty({ example: 'Screen 1' }) name: string;
  @ApiProperty({ type: 'integer', example: 96 }) total_seats: number;
  @ApiProperty({ type: 'integer', example: 15, description: 'Minutes the overlap rule keeps free after each show of this screen' }) turnaround_minutes: number;
  @ApiProperty({
    example: false,
    description:
      "Made from a show's `screen_name` (Part 1's way) rather than with a plan: its shows are laid out on their own size (rows of at most 20) and may grow, the screen with them",
  })
  auto_plan: boolean;
  @ApiProperty({ type: [PlanRowResponse] }) rows: PlanRowResponse[];
}

@ApiSchema({ name: 'CreateScreen' })
export class CreateScreenDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, example: 1, description: 'The default cinema when left out' })
  @IsOptional()
  @Min(1)
  @Max(2_147_483_647)
  @IsInt()
  cinema_id?: number;

  @ApiProperty({ example: 'Screen 1', minLength: 1, maxLength: 100, description: 'One name per cinema, compared without case and extra spaces' })
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  @IsString()
  name: string;

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: ROWS_DESCRIPTION })
  @IsArray()
  rows: RowInput[];

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 240, default: 0 })
  @IsOptional()
  @Min(0)
  @Max(240)
  @IsInt()
  turnaround_minutes?: number;
}

@ApiSchema({ name: 'UpdateScreen' })
export class UpdateScreenDto {
  @ApiPropertyOptional({ example: 'Screen 1', minLength: 1, maxLength: 100 })
  @IsOptional()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  @IsString()
  name?: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description: `${ROWS_DESCRIPTION} Only while no show still to come has booked or held seats (else 409 SCREEN_IN_USE).` })
  @IsOptional()
  @IsArray()
  rows?: RowInput[];

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 240 })
  @IsOptional()
  @Min(0)
  @Max(240)
  @IsInt()
  turnaround_minutes?: number;
}

/** `GET /screens/?cinema_id=`. */
export class ScreenListQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Only this cinema' })
  @decimalInteger()
  @IsOptional()
  @Min(1)
  @Max(2_147_483_647)
  @IsInt()
  cinema_id?: number;
}
