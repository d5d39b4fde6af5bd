import { ApiProperty, ApiPropertyOptional, ApiSchema, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { SEAT_KINDS } from '../../screens/entities/screen-seat.entity';
import { CinemaResponse } from '../../cinemas/cinema.dto';
import { decimalInteger, PageQuery } from '../../common/http/pagination';
import { MAX_SEATS_PER_SHOW } from '../../seats/seat-rules.sql';

/** The most a seat may cost, in minor units (a million in a two-decimal currency). */
export const MAX_PRICE = 100_000_000;
/** ISO 4217 codes, as this runtime knows them. */
const CURRENCIES = Intl.supportedValuesOf('currency');

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

@ValidatorConstraint({ name: 'pricesByKind' })
class PricesByKind implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    return Object.entries(value).every(
      ([kind, price]) => (SEAT_KINDS as readonly string[]).includes(kind) && Number.isInteger(price) && (price as number) >= 0 && (price as number) <= MAX_PRICE,
    );
  }
  defaultMessage(): string {
    return `prices_by_kind must map seat kinds (${SEAT_KINDS.join(', ')}) to whole prices from 0 to ${MAX_PRICE}`;
  }
}

@ApiSchema({ name: 'CreateShow' })
export class CreateShowDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, example: 3, description: 'The screen (GET /screens/): its plan and size; or give `screen_name` and `total_seats`' })
  @IsOptional()
  @Min(1)
  @Max(2_147_483_647)
  @IsInt()
  screen_id?: number;

  @ApiPropertyOptional({
    example: 'Screen 1',
    minLength: 1,
    maxLength: 100,
    description: "Without `screen_id`: the default cinema's screen of this name whatever the spelling, made (rows of at most 20) when there is none",
  })
  @ValidateIf((dto: CreateShowDto) => dto.screen_id === undefined || dto.screen_name !== undefined)
  @Length(1, 100)
  @Matches(/\S/, { message: 'screen_name must not be blank' })
  @IsString()
  screen_name?: string;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-12-01T18:30:00.000Z', description: 'ISO 8601 with a time zone; must be in the future' })
  @Matches(ISO_WITH_ZONE, { message: 'date_time must be an ISO 8601 timestamp with a time zone, e.g. 2026-12-01T18:30:00Z' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'date_time must be a real calendar date and time' })
  @IsString()
  date_time: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 100,
    minimum: 1,
    maximum: MAX_SEATS_PER_SHOW,
    description: "The first this many seats of the screen's plan (all of them when left out with `screen_id`); more than the screen has is 400 SCREEN_CAPACITY_EXCEEDED",
  })
  @ValidateIf((dto: CreateShowDto) => dto.screen_id === undefined || dto.total_seats !== undefined)
  @Min(1)
  @Max(MAX_SEATS_PER_SHOW)
  @IsInt()
  total_seats?: number;

  @ApiProperty({ type: 'integer', required: false, minimum: 0, maximum: MAX_PRICE, example: 1250, description: "A seat's price in minor units of `currency` (cents); 0 (the default) is a free show" })
  @IsOptional()
  @Min(0)
  @Max(MAX_PRICE)
  @IsInt()
  price?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0, maximum: MAX_PRICE },
    example: { premium: 1500 },
    description: "Prices of seats of a kind (standard, wheelchair, companion, premium) in minor units; seats of other kinds cost `price`. A show's bookings keep what they were sold at.",
  })
  @IsOptional()
  @Validate(PricesByKind)
  prices_by_kind?: Record<string, number>;

  @ApiProperty({ required: false, example: 'EUR', description: 'ISO 4217, upper case; CURRENCY (EUR) when not given' })
  @IsOptional()
  @IsIn(CURRENCIES, { message: 'currency must be an ISO 4217 code in upper case, such as EUR or USD' })
  @IsString()
  currency?: string;
}

@ApiSchema({ name: 'UpdateShow' })
export class UpdateShowDto extends PartialType(CreateShowDto, { skipNullProperties: false }) {
  @ApiProperty({
    type: 'boolean',
    required: false,
    description:
      'Required (true) to move a show (another date_time or screen_name) that has booked or held seats: each customer with a booking of it ' +
      'is then e-mailed the old and the new time, with their seats. Without it (absent is false) such a move is 409 SHOW_HAS_BOOKINGS with the ' +
      'counts. Not a change on its own.',
  })
  // Absent is false; null is refused, as for every other field of the PATCH.
  @ValidateIf((dto: UpdateShowDto) => dto.notify_customers !== undefined)
  @IsBoolean()
  notify_customers?: boolean;
}

@ApiSchema({ name: 'Show' })
export class ShowResponse {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty({ type: 'integer', example: 1 }) movie_id: number;
  @ApiProperty({ example: 'The Matrix' }) movie_title: string;
  @ApiProperty({ type: 'integer', example: 3 }) screen_id: number;
  @ApiProperty({ example: 'Screen 1' }) screen_name: string;
  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-12-01T18:30:00.000Z' }) date_time: string;
  @ApiProperty({
    type: 'string',
    format: 'date-time',
    example: '2026-12-01T19:30:00+01:00',
    description: "The start as the cinema's clocks read it: `date_time` in `cinema.time_zone`, with that zone's offset then",
  })
  local_date_time: string;
  @ApiProperty({ type: CinemaResponse }) cinema: CinemaResponse;
  @ApiProperty({ type: 'integer', example: 100 }) total_seats: number;
  @ApiProperty({ type: 'integer', example: 97, description: 'Seats neither booked nor held' }) available_seats: number;
  @ApiProperty({ type: 'integer', example: 2, description: 'Seats booked' }) booked_seats: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Seats held by a hold that has not expired' }) held_seats: number;
  @ApiProperty({
    enum: ['scheduled', 'cancelled'],
    example: 'scheduled',
    description: 'A cancelled show (POST /shows/{id}/cancel/) sells and holds nothing, and no longer occupies its screen',
  })
  status: 'scheduled' | 'cancelled';
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: null, description: 'Set when cancelled' }) cancelled_at: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1250, description: "A seat's price in minor units of `currency`; 0: free" }) price: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { premium: 1500 },
    description: 'Prices of seats of a kind; seats of other kinds cost `price`',
  })
  prices_by_kind: Record<string, number>;
  @ApiProperty({ example: 'EUR', description: 'ISO 4217' }) currency: string;
}

/** `GET /shows/?date=&cinema_id=`: a day of a cinema, in its own time zone. */
export class ShowsOnDayQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-12-08', description: "A calendar day in the cinema's time zone; today there when left out" })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a day as YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'date must be a real calendar day' })
  date?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'The cinema (GET /cinemas/); the default one when left out' })
  @decimalInteger()
  @IsOptional()
  @Min(1)
  @Max(2_147_483_647)
  @IsInt()
  cinema_id?: number;
}
