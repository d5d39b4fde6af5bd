import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { coalesced } from '../common/coalesced';
import { OutageLog } from '../common/outage-log';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { Transaction } from '../database/statement';
import { JobKind } from '../jobs/job-kind';
import { Jobs } from '../jobs/jobs';
import { Mailer } from '../mail/mailer';
import { BookingsMail, bookingCancelledMail, RefundLine, bookingsConfirmedMail, qrContentId, showCancelledMail, showMovedMail, showReminderMail } from '../mail/templates/bookings';
import { calendarOf } from '../mail/templates/calendar';
import { localIso } from '../common/time-zone';
import { BOOKINGS_FOR_MAIL, BookingForMailRow } from './sql/bookings-for-mail';
import { MARK_DUE_REMINDERS, MOVED_SHOW_BOOKINGS } from './sql/reminders';
import { qrPng } from '../tickets/qr-png';

/** One customer's new bookings of one show (a booking request, or a confirmed hold): one message. */
export const BOOKINGS_CONFIRMED = new JobKind<{ bookingIds: number[] }>('mail.bookings-confirmed');
export const BOOKING_CANCELLED = new JobKind<{ bookingId: number }>('mail.booking-cancelled');
export const SHOW_REMINDER = new JobKind<{ bookingIds: number[] }>('mail.show-reminder');
/** One customer's bookings of a show that was cancelled (all of them cancelled with it): one message. */
export const SHOW_CANCELLED = new JobKind<{ bookingIds: number[] }>('mail.show-cancelled');

/** Where a show is: when it starts (ISO 8601) and on which screen. */
export interface ShowPlace {
  date_time: string;
  screen_name: string;
}

/**
 * One customer's bookings of a show that was moved: one message. Unlike the
 * others it carries what it reports, the show's place before and after this
 * move, since by the time it is sent the show may have moved again (whose own
 * message then follows); the rest is read when it is sent.
 */
export const SHOW_MOVED = new JobKind<{ bookingIds: number[]; from: ShowPlace; to: ShowPlace }>('mail.show-moved');

/** How often each instance looks for bookings to remind: a reminder is due within this of its time. */
const REMINDER_SWEEP_MS = 30_000;

/**
 * The messages about bookings. Each is a job added in the transaction that
 * made the change (so a rolled-back booking sends nothing), carrying only
 * booking ids: the message is read and rendered when it is sent.
 */
@Injectable()
export class BookingMail implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly outage = new OutageLog(new Logger(BookingMail.name), 'the reminder sweep');
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  /** The messages of one batch of jobs read their bookings in one query (see coalesced). */
  private readonly bookingsForMail = coalesced((ids: number[]) => this.db.rows(BOOKINGS_FOR_MAIL, ids), (row: BookingForMailRow) => row.id);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: Jobs,
    private readonly mailer: Mailer,
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.register(BOOKINGS_CONFIRMED, ({ data }) => this.sendConfirmation(data.bookingIds));
    this.jobs.register(BOOKING_CANCELLED, ({ data }) => this.sendCancellation(data.bookingId));
    this.jobs.register(SHOW_REMINDER, ({ data }) => this.sendReminder(data.bookingIds));
    this.jobs.register(SHOW_CANCELLED, ({ data }) => this.sendShowCancelled(data.bookingIds));
    this.jobs.register(SHOW_MOVED, ({ data }) => this.sendShowMoved(data.bookingIds, data.from, data.to));
  }

  /**
   * Reminders follow the Clock, not the queue's timers: a sweep marks the
   * bookings whose show is within REMINDER_HOURS_BEFORE and adds their
   * messages in the same transaction, so a show moved or cancelled before
   * then moves or drops its reminder with no job to find and change.
   */
  onApplicationBootstrap(): void {
    if (this.config.mail.reminderHoursBefore === 0) return;
    this.timer = setInterval(() => void this.sweepReminders(), REMINDER_SWEEP_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One sweep (also for tests, which move the clock): how many messages it queued. */
  async sweepReminders(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    try {
      const hours = this.config.mail.reminderHoursBefore;
      let queued = 0;
      for (;;) {
        const groups = await this.db.transaction(async (tx) => {
          const due = await tx.rows(MARK_DUE_REMINDERS, this.clock.now(), hours);
          await this.jobs.addMany(tx, SHOW_REMINDER, due.map((row) => ({ bookingIds: row.booking_ids })));
          return due;
        });
        queued += groups.length;
        if (groups.reduce((n, g) => n + g.booking_ids.length, 0) < 500) break;
      }
      this.outage.succeeded();
      return queued;
    } catch (error) {
      this.outage.failed(error);
      return 0;
    } finally {
      this.sweeping = false;
    }
  }

  /** Before BOOK_SEATS, which adds the confirmations of the bookings it makes itself (insertJobs). */
  confirmationsReady(): Promise<void> {
    return this.jobs.ready(BOOKINGS_CONFIRMED);
  }


  async cancelled(tx: Transaction, bookingId: number): Promise<void> {
    await this.jobs.add(tx, BOOKING_CANCELLED, { bookingId });
  }

  /** A cancelled show: one message per customer, each group the ids of one customer's bookings it cancelled, in one statement. */
  showCancelled(tx: Transaction, groups: number[][]): Promise<void> {
    return this.jobs.addMany(
      tx,
      SHOW_CANCELLED,
      groups.filter((ids) => ids.length > 0).map((bookingIds) => ({ bookingIds })),
    );
  }

  /**
   * A moved show (in the move's transaction, after UPDATE_SHOW, with its seats
   * locked): one message per customer with bookings of it, and their
   * reminders set to follow the new start (see MOVED_SHOW_BOOKINGS).
   */
  async showMoved(tx: Transaction, showId: number, from: ShowPlace, to: ShowPlace): Promise<void> {
    const groups = await tx.rows(MOVED_SHOW_BOOKINGS, showId, this.clock.now(), this.config.mail.reminderHoursBefore);
    await this.jobs.addMany(
      tx,
      SHOW_MOVED,
      groups.map((group) => ({ bookingIds: group.booking_ids, from, to })),
    );
  }

  private async sendConfirmation(bookingIds: number[]): Promise<void> {
    const rows = await this.bookingsForMail(bookingIds);
    if (rows.length === 0) return;
    const first = rows[0];
    const mail: BookingsMail = {
      ...this.showOf(first),
      tickets: rows.map((row) => ({ booking_id: row.id, seat_label: row.seat_label, ticket_code: row.ticket_code })),
    };
    const { cinemaName } = this.mailer;
    const qrCodes = await Promise.all(rows.map((row) => qrPng(row.ticket_code, { errorCorrectionLevel: 'M', margin: 2, width: 240 })));
    const calendar = calendarOf(
      {
        uid: `bookings-${rows.map((row) => row.id).join('-')}@box-office`,
        title: first.title,
        location: `${cinemaName}, ${first.screen_name}`,
        description: `Seats ${mail.tickets.map((t) => t.seat_label).join(', ')}`,
        startsAt: first.date_time,
        endsAt: first.ends_at,
        stamp: this.clock.now(),
      },
      cinemaName,
    );
    await this.mailer.deliver('bookings-confirmed', first.email, {
      ...bookingsConfirmedMail(cinemaName, mail),
      attachments: [
        ...rows.map((row, i) => ({ filename: `ticket-${row.seat_label}.png`, content: qrCodes[i], contentType: 'image/png', cid: qrContentId(row.id) })),
        { filename: 'show.ics', content: calendar, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' },
      ],
    });
  }

  private async sendCancellation(bookingId: number): Promise<void> {
    const [row] = await this.bookingsForMail([bookingId]);
    if (!row) return;
    await this.mailer.deliver('booking-cancelled', row.email, bookingCancelledMail(this.mailer.cinemaName, { ...this.showOf(row), seatLabel: row.seat_label, refund: refundOf([row]) }));
  }

  private async sendReminder(bookingIds: number[]): Promise<void> {
    const rows = (await this.bookingsForMail(bookingIds)).filter((row) => row.status === 'booked');
    if (rows.length === 0) return;
    const tickets = rows.map((row) => ({ booking_id: row.id, seat_label: row.seat_label, ticket_code: row.ticket_code }));
    await this.mailer.deliver('show-reminder', rows[0].email, showReminderMail(this.mailer.cinemaName, { ...this.showOf(rows[0]), tickets }));
  }

  private async sendShowCancelled(bookingIds: number[]): Promise<void> {
    const rows = await this.bookingsForMail(bookingIds);
    if (rows.length === 0) return;
    const seatLabels = rows.map((row) => row.seat_label);
    await this.mailer.deliver('show-cancelled', rows[0].email, showCancelledMail(this.mailer.cinemaName, { ...this.showOf(rows[0]), seatLabels, refund: refundOf(rows) }));
  }

  /** Only the bookings still booked: one cancelled since the move needs no word of it. */
  private async sendShowMoved(bookingIds: number[], from: ShowPlace, to: ShowPlace): Promise<void> {
    const rows = (await this.bookingsForMail(bookingIds)).filter((row) => row.status === 'booked');
    if (rows.length === 0) return;
    await this.mailer.deliver(
      'show-moved',
      rows[0].email,
      showMovedMail(this.mailer.cinemaName, {
        username: rows[0].username,
        title: rows[0].title,
        from: { startsAt: localIso(new Date(from.date_time), rows[0].time_zone), screen: from.screen_name },
        to: { startsAt: localIso(new Date(to.date_time), rows[0].time_zone), screen: to.screen_name },
        seatLabels: rows.map((row) => row.seat_label),
        link: `${this.mailer.publicUrl}/my-bookings`,
      }),
    );
  }

  private showOf(row: BookingForMailRow) {
    return {
      username: row.username,
      title: row.title,
      startsAt: localIso(row.date_time, row.time_zone),
      screen: row.screen_name,
      link: `${this.mailer.publicUrl}/my-bookings`,
    };
  }
}

/** The money that goes back with these cancelled bookings (all of one show, so one currency): NULL for free seats. */
function refundOf(rows: BookingForMailRow[]): RefundLine | null {
  const paid = rows.filter((row) => row.provider !== null && row.price > 0);
  if (paid.length === 0) return null;
  return { amount: paid.reduce((sum, row) => sum + row.price, 0), currency: paid[0].currency, provider: paid[0].provider! };
}
