import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../common/decorators/auth.decorators';
import { ApiProblems } from '../http/problems';
import { MAX_REPORT_DAYS, SalesReportQuery, SalesReportResponse } from './dto/sales-report.dto';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Auth('admin')
  @Get('sales')
  // The figures of the moment, for admins only: no cache keeps them.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Sales per show and per day of a cinema, days in its time zone (admin)',
    description:
      `The shows starting from \`from\` to \`to\` (both included, at most ${MAX_REPORT_DAYS} days; each is today in the cinema's zone when left ` +
      'out), every day listed, days without shows too, each show with its seats sold (booked now), held (by holds that have not expired), free ' +
      '(neither; a cancelled show has every seat free) and cancelled (cancelled bookings), and its revenue by currency: the prices of its seats ' +
      'booked now. Nothing is subtracted for refunds: a refunded seat is a cancelled booking already, so its money is no longer in the sum. ' +
      'Each day and the whole range add their shows up.',
  })
  @ApiOkResponse({
    type: SalesReportResponse,
    description: 'Every day of the range with its shows, each day added up, and the whole range added up',
    headers: { 'Cache-Control': { description: 'no-store', schema: { type: 'string' } } },
  })
  @ApiProblems('VALIDATION_FAILED', 'CINEMA_NOT_FOUND')
  sales(@Query() query: SalesReportQuery): Promise<SalesReportResponse> {
    return this.reports.sales(query);
  }
}
