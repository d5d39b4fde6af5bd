import { statement } from '../../database/statement';

export interface CinemaRow {
  id: number;
  name: string;
  time_zone: string;
}

/** The default cinema (id 1, made by the migration) as CINEMA_NAME and CINEMA_TIME_ZONE say, at every start. */
export const SYNC_DEFAULT_CINEMA = statement<[name: string, timeZone: string], { id: number }>({
  name: 'sync-default-cinema',
  text: `UPDATE cinemas SET name = $1, time_zone = $2 WHERE id = 1 AND (name, time_zone) IS DISTINCT FROM ($1, $2) RETURNING id`,
});

export const LIST_CINEMAS = statement<[], CinemaRow>({
  name: 'list-cinemas',
  text: `SELECT id, name, time_zone FROM cinemas ORDER BY id`,
});

export const GET_CINEMA = statement<[cinemaId: number], CinemaRow>({
  name: 'get-cinema',
  text: `SELECT id, name, time_zone FROM cinemas WHERE id = $1`,
});

export const INSERT_CINEMA = statement<[name: string, timeZone: string], CinemaRow>({
  name: 'insert-cinema',
  text: `INSERT INTO cinemas (name, time_zone) VALUES (btrim($1), $2) RETURNING id, name, time_zone`,
});

export const UPDATE_CINEMA = statement<[cinemaId: number, name: string | null, timeZone: string | null], CinemaRow>({
  name: 'update-cinema',
  text: `UPDATE cinemas SET name = coalesce(btrim($2), name), time_zone = coalesce($3, time_zone) WHERE id = $1 RETURNING id, name, time_zone`,
});
