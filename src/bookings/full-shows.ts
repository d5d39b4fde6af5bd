import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import { first } from '../database/statement';
import { SeatEventsService } from '../seat-events/seat-events.service';
import { SHOW_SHAPE } from '../shows/sql/shows';
import type { Refused } from './refusals';

/**
 * Shows this instance knows to be full, so a sell-out's late requests are
 * refused SHOW_FULL without a trip to the database. A show is marked full only
 * by the booking statement's own SHOW_FULL (decided under the seats' locks),
 * and only if no change of the show was announced since that statement was
 * sent; any announced change of the show (a cancel, an edit, through any
 * instance) unmarks it, and while the LISTEN connection is down nothing is
 * trusted. The refusals that rank before SHOW_FULL (a seat out of range, a
 * show that has started) are left to the database.
 */
@Injectable()
export class FullShows {
  private readonly full = new Map<number, { totalSeats: number; startsAt: number }>();
  /** Changes announced per show, and resets (events that may have been missed): a statement's "before". */
  private readonly changes = new Map<number, number>();
  private resets = 0;

  constructor(
    private readonly events: SeatEventsService,
    private readonly db: Database,
  ) {
    events.onAnyChange((showId) => {
      if (showId < 0) {
        this.resets++;
        this.full.clear();
        this.changes.clear();
        return;
      }
      this.full.delete(showId);
      this.changes.set(showId, (this.changes.get(showId) ?? 0) + 1);
    });
  }

  /** Taken before a booking statement is sent; handed back to `provenFull` if it answers SHOW_FULL. */
  stamp(showId: number): string {
    return `${this.resets}:${this.changes.get(showId) ?? 0}`;
  }

  /** The statement sent at `stamp` found the show full: remembered unless the show changed since. */
  async provenFull(showId: number, stamp: string): Promise<void> {
    if (!this.events.isListening() || this.stamp(showId) !== stamp) return;
    const show = await first(this.db, SHOW_SHAPE, showId);
    if (show && this.events.isListening() && this.stamp(showId) === stamp) {
      this.full.set(showId, { totalSeats: show.total_seats, startsAt: show.date_time.getTime() });
    }
  }

  /** SHOW_FULL for these seats, when this instance knows the show is full; undefined when the database must decide. */
  refusal(showId: number, seats: number[], now: Date): Refused | undefined {
    const known = this.full.get(showId);
    if (!known || !this.events.isListening()) return undefined;
    if (now.getTime() >= known.startsAt || seats.some((seat) => seat < 1 || seat > known.totalSeats)) return undefined;
    return { refusal: 'SHOW_FULL', seats: [...seats].sort((a, b) => a - b), total_seats: null };
  }
}
