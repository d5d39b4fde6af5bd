import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Auth, AuthUser, CurrentUser } from '../common/decorators/auth.decorators';
import { ValidationFailedError } from '../common/errors/app-error';
import { ApiProblems } from '../http/problems';
import { Paginated } from '../common/http/paginated';
import { Page } from '../common/http/pagination';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { Idempotent } from '../idempotency/idempotent';
import { RateLimited } from '../limits/rate-limits';
import { BookingsService } from './bookings.service';
import { BookingResponse, BookSeatsDto, MyBookingResponse, MyBookingsQuery } from './dto/booking.dto';

function requestedSeats(dto: BookSeatsDto): number[] {
  if (dto.seat_number !== undefined && dto.seat_numbers !== undefined) {
    throw new ValidationFailedError([{ field: 'seat_numbers', message: 'send either seat_number or seat_numbers, not both' }]);
  }
  return dto.seat_numbers ?? [dto.seat_number as number];
}

@ApiTags('bookings')
@Auth()
@Controller()
export class BookingsController {
  constructor(private readonly bookings: BookingsService) {}

  @Post('shows/:id/book')
  @RateLimited('bookings')
  @Idempotent({ retryOnConflict: true })
  @ApiOperation({ summary: 'Book one seat (seat_number → one booking) or several at once (seat_numbers → array, all or none)' })
  @ApiBody({ type: BookSeatsDto, examples: { one: { value: { seat_number: 12 } }, several: { value: { seat_numbers: [12, 13] } } } })
  @ApiExtraModels(BookingResponse)
  @ApiCreatedResponse({
    description: 'seat_number: the booking; seat_numbers: an array of them, in seat order',
    schema: { oneOf: [{ $ref: getSchemaPath(BookingResponse) }, { type: 'array', items: { $ref: getSchemaPath(BookingResponse) } }] },
  })
  @ApiProblems(
    'VALIDATION_FAILED',
    'SEAT_OUT_OF_RANGE',
    'SHOW_NOT_FOUND',
    'SHOW_CANCELLED',
    'SEAT_TAKEN',
    'SEAT_HELD',
    'SHOW_FULL',
    'SHOW_STARTED',
    'BOOKING_LIMIT_EXCEEDED',
    'PAYMENT_REQUIRED',
    'CONCURRENT_UPDATE',
    'LOCK_TIMEOUT',
    'SHOW_BUSY',
  )
  async book(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) showId: number,
    @Body() dto: BookSeatsDto,
  ): Promise<BookingResponse | BookingResponse[]> {
    const bookings = await this.bookings.book(user, showId, requestedSeats(dto), dto.customer_email ?? null);
    return dto.seat_numbers ? bookings : bookings[0];
  }

  @Paginated(MyBookingResponse)
  @Get('my-bookings')
  @ApiOperation({ summary: 'My bookings, newest first (X-Total-Count header gives the full count)' })
  @ApiProblems('VALIDATION_FAILED')
  mine(@CurrentUser() user: AuthUser, @Query() query: MyBookingsQuery): Promise<Page<MyBookingResponse>> {
    return this.bookings.listForUser(user.id, query);
  }

  @Post('bookings/:id/cancel')
  @RateLimited('bookings')
  @HttpCode(200)
  @Idempotent({ retryOnConflict: true })
  @ApiOperation({ summary: 'Cancel my booking (admins may cancel any); the seat is bookable again at once' })
  @ApiOkResponse({ type: BookingResponse, description: 'The booking, cancelled' })
  @ApiProblems('NOT_BOOKING_OWNER', 'BOOKING_NOT_FOUND', 'ALREADY_CANCELLED', 'CHECKED_IN', 'SHOW_STARTED', 'REFUND_CUTOFF_PASSED', 'CONCURRENT_UPDATE', 'LOCK_TIMEOUT')
  cancel(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: number): Promise<BookingResponse> {
    return this.bookings.cancel(user, id);
  }
}
