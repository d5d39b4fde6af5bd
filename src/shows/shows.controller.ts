import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Public } from '../common/decorators/auth.decorators';
import { ApiProblems } from '../http/problems';
import { Paginated } from '../common/http/paginated';
import { Page, PageQuery } from '../common/http/pagination';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { CreateShowDto, ShowResponse, ShowsOnDayQuery, UpdateShowDto } from './dto/show.dto';
import { ShowsService } from './shows.service';
import { Idempotent } from '../idempotency/idempotent';

@ApiTags('shows')
@Controller()
export class ShowsController {
  constructor(private readonly shows: ShowsService) {}

  @Public()
  @Paginated(ShowResponse)
  @Get('movies/:id/shows')
  @ApiOperation({ summary: "A movie's shows, ordered by date_time (X-Total-Count header gives the full count)" })
  @ApiProblems('VALIDATION_FAILED', 'MOVIE_NOT_FOUND')
  list(@Param('id', ParseIdPipe) movieId: number, @Query() page: PageQuery): Promise<Page<ShowResponse>> {
    return this.shows.listForMovie(movieId, page);
  }

  @Auth('admin')
  @Idempotent()
  @Post('movies/:id/shows')
  @ApiOperation({ summary: 'Schedule a show (admin); its seats 1..total_seats are created with it' })
  @ApiCreatedResponse({ type: ShowResponse })
  @ApiProblems('VALIDATION_FAILED', 'MOVIE_NOT_FOUND', 'SCREEN_NOT_FOUND', 'SCREEN_CAPACITY_EXCEEDED', 'SCREEN_BUSY')
  create(@Param('id', ParseIdPipe) movieId: number, @Body() dto: CreateShowDto): Promise<ShowResponse> {
    return this.shows.create(movieId, dto);
  }

  @Public()
  @Paginated(ShowResponse)
  @Get('shows')
  @ApiOperation({ summary: "What's on: the shows starting on a day in the cinema's time zone (today there by default), by start" })
  @ApiProblems('VALIDATION_FAILED', 'CINEMA_NOT_FOUND')
  listDay(@Query() query: ShowsOnDayQuery): Promise<Page<ShowResponse>> {
    return this.shows.listDay(query);
  }

  @Public()
  @Get('shows/:id')
  @ApiOperation({ summary: 'One show, with its available seats' })
  @ApiOkResponse({ type: ShowResponse })
  @ApiProblems('VALIDATION_FAILED', 'SHOW_NOT_FOUND')
  get(@Param('id', ParseIdPipe) id: number): Promise<ShowResponse> {
    return this.shows.get(id);
  }

  @Auth('admin')
  @Idempotent({ retryOnConflict: true })
  @Patch('shows/:id')
  @ApiOperation({
    summary: 'Move, rename or resize a show (admin)',
    description:
      'A move (another date_time or screen_name) of a show with booked or held seats needs "notify_customers": true, else 409 SHOW_HAS_BOOKINGS ' +
      'with the counts (booked, held) and nothing changes. With it, the show moves and each customer with a booking of it gets one e-mail naming ' +
      'their seats and the old and new time, queued in the same transaction; bookings keep their seats and labels, holds their seats. Reminders ' +
      'follow the new start: when it is within REMINDER_HOURS_BEFORE, that e-mail is the reminder; otherwise the reminder comes that many hours ' +
      'before the new start, even if one was sent for the old. Sending the current start or screen again is no move.',
  })
  @ApiOkResponse({ type: ShowResponse })
  @ApiProblems('VALIDATION_FAILED', 'SHOW_NOT_FOUND', 'SCREEN_NOT_FOUND', 'SCREEN_CAPACITY_EXCEEDED', 'SCREEN_BUSY', 'SHOW_HAS_BOOKINGS', 'SHOW_CANCELLED')
  update(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateShowDto): Promise<ShowResponse> {
    return this.shows.update(id, dto);
  }

  @Auth('admin')
  @Idempotent({ retryOnConflict: true })
  @Post('shows/:id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a show (admin)',
    description:
      'Before or after its start, whatever was checked in: every booking of it is cancelled (checked in or not), every hold ended, its seats ' +
      'freed and its screen free for another show; each customer with bookings of it gets one e-mail naming their seats. Afterwards its bookings, ' +
      'holds, confirmations and changes are refused with SHOW_CANCELLED.',
  })
  @ApiOkResponse({ type: ShowResponse, description: 'The show, with status "cancelled"' })
  @ApiProblems('VALIDATION_FAILED', 'SHOW_NOT_FOUND', 'SHOW_CANCELLED', 'CONCURRENT_UPDATE', 'LOCK_TIMEOUT')
  cancel(@Param('id', ParseIdPipe) id: number): Promise<ShowResponse> {
    return this.shows.cancel(id);
  }

  @Auth('admin')
  @Idempotent({ retryOnConflict: true })
  @Delete('shows/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a show without bookings or holds (admin)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems('SHOW_NOT_FOUND', 'SHOW_HAS_BOOKINGS', 'SHOW_HAS_ORDERS')
  remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.shows.remove(id);
  }
}
