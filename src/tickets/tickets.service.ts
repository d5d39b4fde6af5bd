import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { refusalError } from '../bookings/refusals';
import { actingAs } from '../common/access/may-act';
import { Clock } from '../common/clock';
import { AuthUser } from '../common/decorators/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { first } from '../database/statement';
import { Metrics } from '../metrics/metrics';
import { ShowError } from '../shows/shows.errors';
import { CheckInCountsResponse, CheckInResponse } from './dto/check-in.dto';
import { checkInRefusalError } from './refusals';
import { CHECK_IN } from './sql/check-in';
import { CHECK_IN_COUNTS } from './sql/check-in-counts';
import { TICKET_CODE } from './sql/ticket-code';
import { qrPng } from './qr-png';

/** Tickets: a booking's code as a QR code for its owner, and the door that lets each ticket in once. */
@Injectable()
export class TicketsService {
  private readonly checkIns: Counter<'outcome'>;
  private readonly opensMinutes: number;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    metrics: Metrics,
  ) {
    this.opensMinutes = config.tickets.checkInOpensMinutes;
    this.checkIns = new Counter({
      name: 'check_ins_total',
      help: 'Tickets scanned at the door, by outcome: admitted, or the refusal code',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
  }

  /** CHECK_IN decides on the locked booking and names its refusal; two scanners of one ticket get one admission. */
  async checkIn(ticketCode: string, showId: number | null): Promise<CheckInResponse> {
    const [row] = await this.db.rows(CHECK_IN, ticketCode, showId, this.clock.now(), this.opensMinutes);
    this.checkIns.inc({ outcome: row.refusal ?? 'admitted' });
    if (row.refusal !== null) throw checkInRefusalError({ ...row, refusal: row.refusal });
    return {
      booking_id: row.booking_id!,
      show_id: row.show_id!,
      seat_number: row.seat_number!,
      seat_label: row.seat_label!,
      checked_in_at: row.checked_in_at!.toISOString(),
    };
  }

  /** The ticket's QR code (PNG), for its owner or an admin: TICKET_CODE returns the code only to them. */
  async ticketPng(user: AuthUser, bookingId: number): Promise<Buffer> {
    const [row] = await this.db.rows(TICKET_CODE, bookingId, ...actingAs(user, 'read-ticket'));
    if (row.refusal !== null) throw refusalError(row);
    // Level M survives a scuffed phone screen; 8 pixels a module is sharp enough for any door camera.
    return qrPng(row.ticket_code, { errorCorrectionLevel: 'M', margin: 4, scale: 8 });
  }

  async counts(showId: number): Promise<CheckInCountsResponse> {
    const counts = await first(this.db, CHECK_IN_COUNTS, showId);
    if (!counts) throw new ShowError('SHOW_NOT_FOUND');
    return counts;
  }
}
