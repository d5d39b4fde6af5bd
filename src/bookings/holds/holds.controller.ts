import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthUser, CurrentUser } from '../../common/decorators/auth.decorators';
import { ApiProblems } from '../../http/problems';
import { ParseIdPipe } from '../../common/pipes/parse-id.pipe';
import { Page, ShowFilterQuery } from '../../common/http/pagination';
import { Paginated } from '../../common/http/paginated';
import { Idempotent } from '../../idempotency/idempotent';
import { ClientIp } from '../../limits/client-ip';
import { RateLimited } from '../../limits/rate-limits';
import { BookingResponse } from '../dto/booking.dto';
import { CreateHoldDto, HoldResponse } from './hold.dto';
import { HoldsService } from './holds.service';

@ApiTags('holds')
@Auth()
@Controller()
export class HoldsController {
  constructor(private readonly holds: HoldsService) {}

  @Post('shows/:id/holds')
  @RateLimited('holds')
  @Idempotent({ retryOnConflict: true })
  @ApiOperation({ summary: 'Hold seats while paying: nobody else can book or hold them until expires_at' })
  @ApiCreatedResponse({ type: HoldResponse })
  @ApiProblems(
    'VALIDATION_FAILED',
    'SEAT_OUT_OF_RANGE',
    'SHOW_NOT_FOUND',
    'SHOW_CANCELLED',
    'SEAT_TAKEN',
    'SEAT_HELD',
    'SHOW_FULL',
    'SHOW_STARTED',
    'HOLD_LIMIT_EXCEEDED',
    'ADDRESS_HOLD_LIMIT_EXCEEDED',
    'CONCURRENT_UPDATE',
    'HOLD_COOLDOWN',
    'RATE_LIMITED',
    'LOCK_TIMEOUT',
    'SHOW_BUSY',
  )
  hold(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) showId: number, @Body() dto: CreateHoldDto, @ClientIp() ip: string): Promise<HoldResponse> {
    return this.holds.hold(user, showId, dto.seat_numbers, ip);
  }

  @Paginated(HoldResponse)
  @Get('my-holds')
  @ApiOperation({ summary: 'My holds that still keep their seats, soonest to expire first (X-Total-Count header gives the full count)' })
  @ApiProblems('VALIDATION_FAILED')
  mine(@CurrentUser() user: AuthUser, @Query() query: ShowFilterQuery): Promise<Page<HoldResponse>> {
    return this.holds.listForUser(user.id, query);
  }

  @Post('holds/:id/confirm')
  @RateLimited('bookings')
  @Idempotent({ retryOnConflict: true })
  @ApiOperation({ summary: 'Turn my hold into bookings (201, array)' })
  @ApiCreatedResponse({ type: [BookingResponse], description: 'The bookings, in seat order' })
  @ApiProblems(
    'NOT_HOLD_OWNER',
    'PAYMENT_REQUIRED',
    'HOLD_NOT_FOUND',
    'HOLD_ALREADY_CONFIRMED',
    'HOLD_RELEASED',
    'SHOW_CANCELLED',
    'SEAT_TAKEN',
    'SHOW_FULL',
    'SHOW_STARTED',
    'BOOKING_LIMIT_EXCEEDED',
    'CONCURRENT_UPDATE',
    'HOLD_EXPIRED',
    'LOCK_TIMEOUT',
  )
  confirm(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: number): Promise<BookingResponse[]> {
    return this.holds.confirm(user, id);
  }

  @Delete('holds/:id')
  @RateLimited('holds')
  @HttpCode(204)
  @Idempotent({ retryOnConflict: true })
  @ApiOperation({ summary: 'Release my hold; its seats are available again at once' })
  @ApiNoContentResponse({ description: 'Released (also when it had already ended)' })
  @ApiProblems('NOT_HOLD_OWNER', 'HOLD_NOT_FOUND', 'HOLD_ALREADY_CONFIRMED', 'CONCURRENT_UPDATE', 'LOCK_TIMEOUT')
  release(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.holds.release(user, id);
  }
}
