import { Controller, Get, Header, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth } from '../common/decorators/auth.decorators';
import { csvDownload, wantsCsv } from '../common/http/csv';
import { Page } from '../common/http/pagination';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { ApiProblems } from '../http/problems';
import { BookingsService } from './bookings.service';
import { SHOW_BOOKING_COLUMNS, ShowBookingResponse, ShowBookingsQuery } from './dto/show-booking.dto';

@ApiTags('bookings')
@Controller()
export class ShowBookingsController {
  constructor(private readonly bookings: BookingsService) {}

  @Get('shows/:id/bookings')
  @Auth('admin', 'staff')
  // Customers' names and addresses: no cache keeps them.
  @Header('Cache-Control', 'no-store')
  @Header('Vary', 'Accept')
  @ApiOperation({
    summary: "A show's bookings, by seat then id (staff, admin): as JSON, a page (X-Total-Count gives the full count); as CSV, all of them",
    description:
      'Every booking of the show, cancelled ones included (?status= narrows it), with who it is for: a box-office sale to an address names that ' +
      'address and no username. `Accept: text/csv` (ranked above application/json) or `?format=csv` answers the same rows as an RFC 4180 CSV ' +
      'download, every row, with a header row; a text field that begins with = + - @ or a tab is written with a leading apostrophe, so a spreadsheet ' +
      'does not run it as a formula.',
  })
  @ApiExtraModels(ShowBookingResponse)
  @ApiOkResponse({
    description: 'JSON: one page of the list (?limit=, ?offset=). CSV: every row.',
    headers: {
      'X-Total-Count': { description: 'JSON: how many items the whole list has', schema: { type: 'integer', minimum: 0 } },
      'Content-Disposition': { description: 'CSV: attachment; filename="show-<id>-bookings.csv"', schema: { type: 'string' } },
      'Cache-Control': { description: 'no-store', schema: { type: 'string' } },
    },
    content: {
      'application/json': { schema: { type: 'array', items: { $ref: getSchemaPath(ShowBookingResponse) } } },
      'text/csv': {
        schema: { type: 'string' },
        example: `${SHOW_BOOKING_COLUMNS.join(',')}\r\n1,47,C7,booked,john_doe,john@example.com,1250,12,,2026-11-25T10:00:00.000Z\r\n`,
      },
    },
  })
  @ApiProblems('VALIDATION_FAILED', 'SHOW_NOT_FOUND')
  async list(
    @Param('id', ParseIdPipe) showId: number,
    @Query() query: ShowBookingsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Page<ShowBookingResponse> | string> {
    if (!wantsCsv(accept, query.format)) return this.bookings.listForShow(showId, query);
    return csvDownload(reply, `show-${showId}-bookings.csv`, await this.bookings.csvForShow(showId, query.status ?? null));
  }
}
