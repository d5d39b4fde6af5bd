import { Body, Controller, Get, Header, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Auth, AuthUser, CurrentUser } from '../common/decorators/auth.decorators';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { ApiProblems } from '../http/problems';
import { Idempotent } from '../idempotency/idempotent';
import { CheckInCountsResponse, CheckInDto, CheckInResponse } from './dto/check-in.dto';
import { TicketsService } from './tickets.service';

@ApiTags('tickets')
@Controller()
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Post('check-ins')
  @Auth('admin', 'staff')
  @Idempotent({ retryOnConflict: true })
  @ApiOperation({ summary: 'Check a ticket in at the door (staff, admin): once per ticket, from CHECK_IN_OPENS_MINUTES before the show' })
  @ApiCreatedResponse({ type: CheckInResponse, description: 'The ticket is let in' })
  @ApiProblems('VALIDATION_FAILED', 'TICKET_NOT_FOUND', 'TICKET_CANCELLED', 'WRONG_SHOW', 'ALREADY_CHECKED_IN', 'TOO_EARLY', 'CONCURRENT_UPDATE', 'LOCK_TIMEOUT')
  checkIn(@Body() dto: CheckInDto): Promise<CheckInResponse> {
    return this.tickets.checkIn(dto.ticket_code, dto.show_id ?? null);
  }

  @Get('bookings/:id/ticket.png')
  @Auth()
  @Header('Content-Type', 'image/png')
  // The picture is the ticket: no cache keeps it.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "A booking's ticket as a QR code of its ticket_code (the owner, or an admin)" })
  @ApiProduces('image/png')
  @ApiOkResponse({ description: 'A PNG QR code of the ticket code', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } })
  @ApiProblems('VALIDATION_FAILED', 'BOOKING_NOT_FOUND', 'NOT_BOOKING_OWNER')
  ticket(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: number): Promise<Buffer> {
    return this.tickets.ticketPng(user, id);
  }

  @Get('shows/:id/check-ins')
  @Auth('admin', 'staff')
  @ApiOperation({ summary: "A show's door: how many of its tickets were checked in, of how many booked (staff, admin)" })
  @ApiOkResponse({ type: CheckInCountsResponse })
  @ApiProblems('VALIDATION_FAILED', 'SHOW_NOT_FOUND')
  counts(@Param('id', ParseIdPipe) id: number): Promise<CheckInCountsResponse> {
    return this.tickets.counts(id);
  }
}
