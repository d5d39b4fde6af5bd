import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import { first } from '../database/statement';
import { SeatEventsService } from '../seat-events/seat-events.service';
import { SEAT_MAP } from '../seats/sql/seat-map';
import { rowsOf } from '../screens/plan';
import { SeatMapResponse } from './dto/seat-map.dto';
import { ShowError } from './shows.errors';
import { SHOW_EXISTS } from './sql/shows';

export interface RenderedSeatMap {
  body: string;
  etag: string;
  /** The moment the earliest hold in it expires: the map is stale from then on. */
  validUntil: number;
}

const MAX_CACHED_SHOWS = 500;
/** A change whose announcement was lost (its process died right after commit) is stale for at most this long. */
const MAX_CACHE_AGE_MS = 5000;

/**
 * Seat maps rendered to JSON once and kept until a seat of the show changes.
 * A change committed by this instance evicts the entry before the writer
 * answers; a change from another instance evicts it when its NOTIFY arrives
 * (milliseconds later); a hold's expiry evicts it by time, and no entry lives
 * longer than MAX_CACHE_AGE_MS. A read that overlaps
 * an eviction is not cached (generation check), and nothing is cached while the
 * LISTEN connection is down.
 */
@Injectable()
export class SeatMapService {
  private readonly cache = new Map<number, RenderedSeatMap>();
  private readonly generations = new Map<number, number>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly events: SeatEventsService,
  ) {
    events.onAnyChange((showId) => this.evict(showId));
  }

  async render(showId: number): Promise<RenderedSeatMap> {
    const now = this.clock.now();
    const cached = this.cache.get(showId);
    if (cached && cached.validUntil > now.getTime() && this.events.isListening()) return cached;
    const generation = this.generations.get(showId) ?? 0;
    const rendered = await this.query(showId, now);
    if (this.events.isListening() && (this.generations.get(showId) ?? 0) === generation) {
      this.cache.delete(showId);
      this.cache.set(showId, rendered);
      if (this.cache.size > MAX_CACHED_SHOWS) this.cache.delete(this.cache.keys().next().value as number);
    }
    return rendered;
  }

  async assertShowExists(showId: number): Promise<void> {
    if (this.cache.has(showId)) return;
    if (!(await first(this.db, SHOW_EXISTS, showId))) throw new ShowError('SHOW_NOT_FOUND');
  }

  /** showId -1: everything (the LISTEN connection dropped and events may have been missed). */
  private evict(showId: number): void {
    if (showId === -1) {
      this.cache.clear();
      for (const id of this.generations.keys()) this.generations.set(id, (this.generations.get(id) ?? 0) + 1);
      return;
    }
    this.generations.set(showId, (this.generations.get(showId) ?? 0) + 1);
    this.cache.delete(showId);
  }

  private async query(showId: number, now: Date): Promise<RenderedSeatMap> {
    const rows = await this.db.rows(SEAT_MAP, showId, now);
    if (rows.length === 0) throw new ShowError('SHOW_NOT_FOUND');
    let available = 0;
    let validUntil = now.getTime() + MAX_CACHE_AGE_MS;
    const seats = rows.map(({ seat_number, label, row_label, kind, status, expires_at }) => {
      if (status === 'available') available++;
      if (expires_at) validUntil = Math.min(validUntil, expires_at.getTime());
      return { seat_number, label, row: row_label, kind, status };
    });
    const map: SeatMapResponse = {
      show_id: showId,
      show_status: rows[0].show_status!,
      total_seats: rows.length,
      available_seats: available,
      seats,
      rows: rowsOf(rows, ({ seat_number, label, kind }) => ({ seat_number, label, kind })),
    };
    const body = JSON.stringify(map);
    return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"`, validUntil };
  }
}

/** True when an If-None-Match header names this ETag (weak or strong, in a list, or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}
