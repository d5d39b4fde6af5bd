import { Injectable } from '@nestjs/common';
import { DEFAULT_CINEMA_ID } from '../cinemas/cinemas.service';
import { CinemaError } from '../cinemas/cinemas.errors';
import { GET_CINEMA } from '../cinemas/sql/cinemas';
import { Clock } from '../common/clock';
import { ValidationFailedError } from '../common/errors/app-error';
import { pgCode, PgCode } from '../common/errors/pg-errors';
import { Database } from '../database/database';
import { first } from '../database/statement';
import { screenBusyOnOverlap } from '../shows/shows.errors';
import { planOf, rowsOf } from './plan';
import { CreateScreenDto, ScreenResponse, UpdateScreenDto } from './screen.dto';
import { ScreenError } from './screens.errors';
import { DELETE_PLAN, DELETE_SCREEN, GET_SCREEN, INSERT_SCREEN, LIST_SCREENS, LOCK_SCREEN, planArrays, REPLACE_PLAN, ScreenRow, UPDATE_SCREEN } from './sql/screens';

const toScreen = ({ seats, ...screen }: ScreenRow): ScreenResponse => ({
  ...screen,
  rows: rowsOf(seats, ({ seat_number, label, kind }) => ({ seat_number, label, kind })),
});

/** Screens and their seat plans (API.md Part 4). */
@Injectable()
export class ScreensService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async list(cinemaId: number | undefined): Promise<ScreenResponse[]> {
    return (await this.db.rows(LIST_SCREENS, cinemaId ?? null)).map(toScreen);
  }

  async get(id: number): Promise<ScreenResponse> {
    const screen = await first(this.db, GET_SCREEN, id);
    if (!screen) throw new ScreenError('SCREEN_NOT_FOUND');
    return toScreen(screen);
  }

  async create(dto: CreateScreenDto): Promise<ScreenResponse> {
    const plan = planOf(dto.rows);
    const cinemaId = dto.cinema_id ?? DEFAULT_CINEMA_ID;
    if (!(await first(this.db, GET_CINEMA, cinemaId))) throw new CinemaError('CINEMA_NOT_FOUND');
    const made = await first(this.db, INSERT_SCREEN, cinemaId, dto.name, dto.turnaround_minutes ?? 0, ...planArrays(plan));
    if (!made) throw new ScreenError('SCREEN_NAME_TAKEN');
    return this.get(made.id);
  }

  /**
   * Renames a screen (its shows' copy of the name with it), changes its
   * turnaround (moving the ends of its shows still to come: SCREEN_BUSY if one
   * would then overlap the next), or its plan: only while no show still to
   * come has a booked or held seat or more seats than the new plan, the seat
   * rows of those shows relabelled with it. One transaction, the screen locked
   * first (FOR UPDATE: no show is made or moved on it meanwhile).
   */
  async update(id: number, dto: UpdateScreenDto): Promise<ScreenResponse> {
    if (dto.name === undefined && dto.rows === undefined && dto.turnaround_minutes === undefined) {
      throw new ValidationFailedError([], 'Send at least one of name, rows, turnaround_minutes.');
    }
    const plan = dto.rows === undefined ? null : planOf(dto.rows);
    const now = this.clock.now();
    await screenBusyOnOverlap(() =>
      this.db.transaction(async (tx) => {
        const screen = await first(tx, LOCK_SCREEN, id, now);
        if (!screen) throw new ScreenError('SCREEN_NOT_FOUND');
        if (plan && (screen.future_seats_taken || screen.most_future_seats > plan.length)) throw new ScreenError('SCREEN_IN_USE');
        try {
          await tx.rows(UPDATE_SCREEN, id, dto.name ?? null, dto.turnaround_minutes ?? null, now);
        } catch (error) {
          if (pgCode(error) === PgCode.UNIQUE_VIOLATION) throw new ScreenError('SCREEN_NAME_TAKEN');
          throw error;
        }
        if (plan) {
          await tx.rows(DELETE_PLAN, id);
          await tx.rows(REPLACE_PLAN, id, now, ...planArrays(plan));
        }
      }),
    );
    return this.get(id);
  }

  /** Only a screen no show was ever on (shows are history: their screen stays). */
  async remove(id: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const screen = await first(tx, LOCK_SCREEN, id, this.clock.now());
      if (!screen) throw new ScreenError('SCREEN_NOT_FOUND');
      if (screen.shows > 0) throw new ScreenError('SCREEN_IN_USE', 'Shows were or are on this screen, and they keep it: it cannot go.');
      await tx.rows(DELETE_SCREEN, id);
    });
  }
}
