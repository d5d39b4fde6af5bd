import { Injectable } from '@nestjs/common';
import { DEFAULT_CINEMA_ID } from '../cinemas/cinemas.service';
import { CinemaError } from '../cinemas/cinemas.errors';
import { Clock } from '../common/clock';
import { ValidationFailedError } from '../common/errors/app-error';
import { Database } from '../database/database';
import { first } from '../database/statement';
import { MAX_REPORT_DAYS, SalesReportQuery, SalesReportResponse } from './dto/sales-report.dto';
import { salesReport } from './sales-report';
import { SALES_BY_SHOW, SALES_REPORT_RANGE } from './sql/sales-report';

@Injectable()
export class ReportsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** A cinema's shows from one day to another in its own time zone (today there for a day left out), with their seats and money now. */
  async sales(query: SalesReportQuery): Promise<SalesReportResponse> {
    const now = this.clock.now();
    const range = await first(this.db, SALES_REPORT_RANGE, now, query.cinema_id ?? DEFAULT_CINEMA_ID, query.from ?? null, query.to ?? null);
    if (!range) throw new CinemaError('CINEMA_NOT_FOUND');
    // The bound the client sent is the one to fix (the other may be today by default).
    const field = query.to === undefined ? 'from' : 'to';
    if (range.days < 1) throw ValidationFailedError.field(field, `the range must not end (${range.to}) before it begins (${range.from})`);
    if (range.days > MAX_REPORT_DAYS) throw ValidationFailedError.field(field, `the range covers ${range.days} days, more than ${MAX_REPORT_DAYS}`);
    return salesReport(range, await this.db.rows(SALES_BY_SHOW, now, range.id, range.from, range.to), now);
  }
}
