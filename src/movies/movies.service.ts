import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../common/errors/app-error';
import { pgCode, PgCode } from '../common/errors/pg-errors';
import { likeContains } from '../database/sql-text';
import { Page } from '../common/http/pagination';
import { Database } from '../database/database';
import { first } from '../database/statement';
import { screenBusyOnOverlap } from '../shows/shows.errors';
import { MOVE_SHOW_ENDS } from '../shows/sql/shows';
import { CreateMovieDto, MovieListQuery, MovieResponse, UpdateMovieDto } from './dto/movie.dto';
import { MovieError } from './movies.errors';
import { COUNT_MOVIES, DELETE_MOVIE, GET_MOVIE, INSERT_MOVIE, LIST_MOVIES, UPDATE_MOVIE } from './sql/movies';

@Injectable()
export class MoviesService {
  constructor(private readonly db: Database) {}

  async list(query: MovieListQuery): Promise<Page<MovieResponse>> {
    const pattern = query.search ? likeContains(query.search) : null;
    const rows = await this.db.rows(LIST_MOVIES, pattern, query.limit, query.offset);
    // A page past the end has no row to carry the count.
    const total = rows.length > 0 ? rows[0].total : (await this.db.rows(COUNT_MOVIES, pattern))[0].total;
    return new Page(
      rows.map(({ id, title, duration_minutes }) => ({ id, title, duration_minutes })),
      total,
    );
  }

  async get(id: number): Promise<MovieResponse> {
    const movie = await first(this.db, GET_MOVIE, id);
    if (!movie) throw new MovieError('MOVIE_NOT_FOUND');
    return movie;
  }

  async create(dto: CreateMovieDto): Promise<MovieResponse> {
    const [movie] = await this.db.rows(INSERT_MOVIE, dto.title, dto.duration_minutes);
    return movie;
  }

  /** A new duration moves the end of every show of the movie, which may now overlap another show. */
  async update(id: number, dto: UpdateMovieDto): Promise<MovieResponse> {
    if (dto.title === undefined && dto.duration_minutes === undefined) {
      throw new ValidationFailedError([], 'Send at least one of title, duration_minutes.');
    }
    return screenBusyOnOverlap(() =>
      this.db.transaction(async (tx) => {
        const movie = await first(tx, UPDATE_MOVIE, id, dto.title ?? null, dto.duration_minutes ?? null);
        if (!movie) throw new MovieError('MOVIE_NOT_FOUND');
        if (dto.duration_minutes !== undefined) await tx.rows(MOVE_SHOW_ENDS, id, dto.duration_minutes);
        return movie;
      }),
    );
  }

  async remove(id: number): Promise<void> {
    try {
      if (!(await first(this.db, DELETE_MOVIE, id))) throw new MovieError('MOVIE_NOT_FOUND');
    } catch (error) {
      if (pgCode(error) === PgCode.FOREIGN_KEY_VIOLATION) throw new MovieError('MOVIE_HAS_SHOWS');
      throw error;
    }
  }
}
