import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { SeatMapResponse } from './dto/seat-map.dto';
import { seatStatus } from './seat-state.sql';
import { ShowNotFoundError } from './shows.errors';

export interface RenderedSeatMap {
  body: string;
  etag: string;
}

@Injectable()
export class SeatMapService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * One read of the show's seat rows, rendered to JSON once; the ETag is a hash
   * of exactly those bytes, so it changes whenever any seat's state does and a
   * client's If-None-Match can never hide a change.
   */
  async render(showId: number): Promise<RenderedSeatMap> {
    const rows: { seat_number: number; status: SeatMapResponse['seats'][number]['status'] }[] = await this.dataSource.query(
      `SELECT s.seat_number, ${seatStatus('$2')} AS status FROM seats s WHERE s.show_id = $1 ORDER BY s.seat_number`,
      [showId, this.clock.now()],
    );
    if (rows.length === 0) throw new ShowNotFoundError();
    const map: SeatMapResponse = {
      show_id: showId,
      total_seats: rows.length,
      available_seats: rows.reduce((count, seat) => count + (seat.status === 'available' ? 1 : 0), 0),
      seats: rows,
    };
    const body = JSON.stringify(map);
    return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
  }

  async assertShowExists(showId: number): Promise<void> {
    const [show] = await this.dataSource.query(`SELECT 1 FROM shows WHERE id = $1`, [showId]);
    if (!show) throw new ShowNotFoundError();
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
