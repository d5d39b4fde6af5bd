import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { CinemaResponse } from '../../cinemas/cinema.dto';
import { decimalInteger } from '../../common/http/pagination';

/** The longest range one report covers, both ends included: a leap year. */
export const MAX_REPORT_DAYS = 366;

/** A calendar day as YYYY-MM-DD (IsISO8601's strict check then refuses days no calendar has, 0000-01-01 and 2026-02-30 among them). */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `GET /reports/sales/?from=&to=&cinema_id=`: days in the cinema's time zone, both included. */
export class SalesReportQuery {
  @ApiPropertyOptional({ type: 'string', format: 'date', example: '2026-12-08', description: "The first day, in the cinema's time zone; today there when left out" })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a day as YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'from must be a real calendar day' })
  from?: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date',
    example: '2026-12-09',
    description: `The last day, included: on or after \`from\`, at most ${MAX_REPORT_DAYS} days in all; today in the cinema's time zone when left out`,
  })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a day as YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'to must be a real calendar day' })
  to?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'The cinema (GET /cinemas/); the default one when left out' })
  @decimalInteger()
  @IsOptional()
  @Min(1)
  @Max(2_147_483_647)
  @IsInt()
  cinema_id?: number;
}

@ApiSchema({ name: 'MoneyAmount', description: 'An amount of one currency' })
export class MoneyAmount {
  @ApiProperty({ example: 'EUR', description: 'ISO 4217' }) currency: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 2500, description: 'Minor units of `currency` (cents)' }) amount: number;
}

@ApiSchema({ name: 'SalesCounts', description: 'Seats and money of one show, or added up over shows' })
export class SalesCounts {
  @ApiProperty({ type: 'integer', minimum: 0, example: 2, description: 'Seats booked now' }) sold: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'Seats held now by a hold that has not expired' }) held: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 7, description: 'Seats neither booked nor held now (a cancelled show has all its seats free)' })
  free: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'Bookings cancelled (by their customer, an admin, or with their show); a refunded seat is one' })
  cancelled: number;
  @ApiProperty({
    type: [MoneyAmount],
    description:
      "What the seats booked now were sold at, by currency (the paying order's, else the show's), sorted by currency. Refunds are not subtracted: a " +
      "refunded seat is a cancelled booking, so it is no longer in the sum. A show lists its own currency (0 when nothing was sold); totals list every " +
      'currency of their shows',
  })
  revenue: MoneyAmount[];
}

@ApiSchema({ name: 'SalesReportShow', description: 'One show of a sales report' })
export class SalesReportShow extends SalesCounts {
  @ApiProperty({ type: 'integer', example: 42 }) show_id: number;
  @ApiProperty({ type: 'integer', example: 3 }) movie_id: number;
  @ApiProperty({ example: 'The Matrix' }) movie_title: string;
  @ApiProperty({ type: 'integer', example: 3 }) screen_id: number;
  @ApiProperty({ example: 'Screen 1' }) screen_name: string;
  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-12-08T13:00:00.000Z' }) date_time: string;
  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-12-08T14:00:00+01:00', description: "The start on the cinema's clock, with its offset" })
  local_date_time: string;
  @ApiProperty({ enum: ['scheduled', 'cancelled'], example: 'scheduled' }) status: 'scheduled' | 'cancelled';
  @ApiProperty({ type: 'integer', minimum: 1, example: 10 }) total_seats: number;
}

@ApiSchema({ name: 'SalesReportDay', description: "One day of a sales report, in the cinema's time zone" })
export class SalesReportDay {
  @ApiProperty({ type: 'string', format: 'date', example: '2026-12-08' }) date: string;
  @ApiProperty({ type: [SalesReportShow], description: 'The shows starting that day, by start then id; none on a day without shows' })
  shows: SalesReportShow[];
  @ApiProperty({ type: SalesCounts, description: "The day's shows added up" }) totals: SalesCounts;
}

@ApiSchema({ name: 'SalesReport', description: "Seats and money per show and per day of a cinema, days in the cinema's time zone" })
export class SalesReportResponse {
  @ApiProperty({ type: CinemaResponse }) cinema: CinemaResponse;
  @ApiProperty({ type: 'string', format: 'date', example: '2026-12-08' }) from: string;
  @ApiProperty({ type: 'string', format: 'date', example: '2026-12-09' }) to: string;
  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-12-08T09:00:00.000Z', description: 'The moment sold, held and free were counted at' })
  as_of: string;
  @ApiProperty({ type: [SalesReportDay], description: 'Every day from `from` to `to`, in order, days without shows too' }) days: SalesReportDay[];
  @ApiProperty({ type: SalesCounts, description: 'Every day added up' }) totals: SalesCounts;
}
