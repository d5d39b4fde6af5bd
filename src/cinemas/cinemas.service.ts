import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ValidationFailedError } from '../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { first } from '../database/statement';
import { CinemaResponse, CreateCinemaDto, UpdateCinemaDto } from './cinema.dto';
import { CinemaError } from './cinemas.errors';
import { GET_CINEMA, INSERT_CINEMA, LIST_CINEMAS, SYNC_DEFAULT_CINEMA, UPDATE_CINEMA } from './sql/cinemas';

/** The default cinema: the one shows named by `screen_name` alone are in. */
export const DEFAULT_CINEMA_ID = 1;

@Injectable()
export class CinemasService implements OnApplicationBootstrap {
  constructor(
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** At every start the default cinema is as CINEMA_NAME and CINEMA_TIME_ZONE say (API.md Part 4). */
  async onApplicationBootstrap(): Promise<void> {
    await this.db.rows(SYNC_DEFAULT_CINEMA, this.config.cinemaName, this.config.cinemaTimeZone);
  }

  list(): Promise<CinemaResponse[]> {
    return this.db.rows(LIST_CINEMAS);
  }

  async get(id: number): Promise<CinemaResponse> {
    const cinema = await first(this.db, GET_CINEMA, id);
    if (!cinema) throw new CinemaError('CINEMA_NOT_FOUND');
    return cinema;
  }

  async create(dto: CreateCinemaDto): Promise<CinemaResponse> {
    const [cinema] = await this.db.rows(INSERT_CINEMA, dto.name, dto.time_zone);
    return cinema;
  }

  async update(id: number, dto: UpdateCinemaDto): Promise<CinemaResponse> {
    if (dto.name === undefined && dto.time_zone === undefined) throw new ValidationFailedError([], 'Send name, time_zone or both.');
    const cinema = await first(this.db, UPDATE_CINEMA, id, dto.name ?? null, dto.time_zone ?? null);
    if (!cinema) throw new CinemaError('CINEMA_NOT_FOUND');
    return cinema;
  }
}
