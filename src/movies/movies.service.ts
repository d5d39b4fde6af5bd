import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ValidationFailedError } from '../common/errors/app-error';
import { pgCode, PgCode } from '../common/errors/pg-errors';
import { likeContains } from '../common/database/sql-text';
import { Page } from '../common/http/pagination';
import { ScreenBusyError } from '../shows/shows.errors';
import { CreateMovieDto, MovieListQuery, MovieResponse, UpdateMovieDto } from './dto/movie.dto';
import { MovieHasShowsError, MovieNotFoundError } from './movies.errors';

const MOVIE_COLUMNS = 'id, title, duration_minutes';

@Injectable()
export class MoviesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(query: MovieListQuery): Promise<Page<MovieResponse>> {
    const pattern = query.search ? likeContains(query.search) : null;
    const where = `WHERE ($1::text IS NULL OR title ILIKE $1)`;
    const [items, [{ total }]] = await Promise.all([
      this.dataSource.query(`SELECT ${MOVIE_COLUMNS} FROM movies ${where} ORDER BY id LIMIT $2 OFFSET $3`, [
        pattern,
        query.limit,
        query.offset,
      ]),
      this.dataSource.query(`SELECT count(*)::int AS total FROM movies ${where}`, [pattern]),
    ]);
    return new Page(items, total);
  }

  async get(id: number): Promise<MovieResponse> {
    const [movie] = await this.dataSource.query(`SELECT ${MOVIE_COLUMNS} FROM movies WHERE id = $1`, [id]);
    if (!movie) throw new MovieNotFoundError();
    return movie;
  }

  async create(dto: CreateMovieDto): Promise<MovieResponse> {
    const [movie] = await this.dataSource.query(
      `INSERT INTO movies (title, duration_minutes) VALUES ($1, $2) RETURNING ${MOVIE_COLUMNS}`,
      [dto.title, dto.duration_minutes],
    );
    return movie;
  }

  /** A new duration moves the end of every show of the movie, which may now overlap another show. */
  async update(id: number, dto: UpdateMovieDto): Promise<MovieResponse> {
    if (dto.title === undefined && dto.duration_minutes === undefined) {
      throw new ValidationFailedError([], 'Send at least one of title, duration_minutes.');
    }
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [rows] = await manager.query(
          `UPDATE movies SET title = coalesce($2, title), duration_minutes = coalesce($3, duration_minutes)
            WHERE id = $1 RETURNING ${MOVIE_COLUMNS}`,
          [id, dto.title ?? null, dto.duration_minutes ?? null],
        );
        const movie = rows[0] as MovieResponse | undefined;
        if (!movie) throw new MovieNotFoundError();
        if (dto.duration_minutes !== undefined) {
          await manager.query(
            `UPDATE shows SET ends_at = date_time + make_interval(mins => $2) WHERE movie_id = $1`,
            [id, dto.duration_minutes],
          );
        }
        return movie;
      });
    } catch (error) {
      if (pgCode(error) === PgCode.EXCLUSION_VIOLATION) throw new ScreenBusyError();
      throw error;
    }
  }

  async remove(id: number): Promise<void> {
    try {
      const [, deleted] = await this.dataSource.query(`DELETE FROM movies WHERE id = $1`, [id]);
      if (deleted === 0) throw new MovieNotFoundError();
    } catch (error) {
      if (pgCode(error) === PgCode.FOREIGN_KEY_VIOLATION) throw new MovieHasShowsError();
      throw error;
    }
  }
}
