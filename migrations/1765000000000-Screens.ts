import { MigrationInterface, QueryRunner } from 'typeorm';

/** A screen's name as one name whatever the spelling: lower case, runs of white space folded to one space, ends trimmed. */
const FOLD = (column: string) => `lower(btrim(regexp_replace(${column}, '\\s+', ' ', 'g')))`;

/**
 * Until screens had plans, a show's `total_seats` were laid out in as few rows
 * of at most 20 as they need, each an even share (API.md "Seat labels"): the
 * row (from 0) and place in it (from 0) of seat `seat` of `total`.
 */
const PER_ROW = (total: string) => `((${total} + ((${total} + 19) / 20) - 1) / ((${total} + 19) / 20))`;
const ROW_LABEL = (rowIndex: string) => `CASE WHEN ${rowIndex} < 26 THEN chr(65 + ${rowIndex}) ELSE chr(64 + ${rowIndex} / 26) || chr(65 + ${rowIndex} % 26) END`;

/**
 * Cinemas and screens with seat plans (API.md Part 4):
 * - `cinemas`, the default one (id 1) made here and kept in step with
 *   CINEMA_NAME and CINEMA_TIME_ZONE at every start;
 * - `screens`, one name per cinema whatever the spelling
 *   (`screens_cinema_name_key` on `name_key`, which `screens_name_key_check`
 *   keeps equal to the folded name), with `turnaround_minutes`; `auto_plan`
 *   for a screen made from a show's `screen_name` (Part 1's way), whose shows
 *   keep Part 3's seat layout on their own size and may grow as before;
 * - `screen_seats`, the plan: each seat's number, row (index and label), place
 *   in the row counting gaps (an aisle is a place without a seat), label and kind;
 * - every seat row of a show carries its seat's label, row, place and kind,
 *   copied from the plan when the show is made (a booking keeps its label);
 * - a show is on a screen (`screen_id`), and the overlap constraint compares
 *   screens, from the start to `free_at` (its end plus the screen's turnaround);
 * - a show may price seats of a kind apart (`prices_by_kind`, e.g.
 *   `{"premium": 1500}`); other seats cost its `price`.
 *
 * Existing shows: the spellings of one name become one screen of the default
 * cinema (named as its first show spelled it, as big as its biggest show, in
 * rows of at most 20, `auto_plan`). Where shows of one name already overlapped (possible
 * while the constraint compared spellings), each later one that overlaps goes
 * to a screen of its own, named `<name> (2)`, `(3)` …, so the new constraint
 * holds for every row and no show is lost. Existing seat rows keep the labels
 * they had (the old rule on the show's own total_seats).
 */
export class Screens1765000000000 implements MigrationInterface {
  name = 'Screens1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cinemas (
        id         serial PRIMARY KEY,
        name       varchar(100) NOT NULL CONSTRAINT cinemas_name_check CHECK (char_length(btrim(name)) >= 1),
        time_zone  varchar(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO cinemas (id, name, time_zone) VALUES (1, 'Cinema', 'UTC')`);
    await q.query(`SELECT setval(pg_get_serial_sequence('cinemas', 'id'), 1)`);

    await q.query(`
      CREATE TABLE screens (
        id                 serial PRIMARY KEY,
        cinema_id          integer NOT NULL CONSTRAINT screens_cinema_id_fkey REFERENCES cinemas (id) ON DELETE RESTRICT,
        name               varchar(100) NOT NULL,
        name_key           varchar(100) NOT NULL,
        total_seats        integer NOT NULL CONSTRAINT screens_total_seats_check CHECK (total_seats BETWEEN 1 AND 2000),
        turnaround_minutes integer NOT NULL DEFAULT 0 CONSTRAINT screens_turnaround_check CHECK (turnaround_minutes BETWEEN 0 AND 240),
        auto_plan          boolean NOT NULL DEFAULT false,
        created_at         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT screens_name_key_check CHECK (name_key = ${FOLD('name')} AND name_key <> ''),
        CONSTRAINT screens_cinema_name_key UNIQUE (cinema_id, name_key)
      )`);
    await q.query(`
      CREATE TABLE screen_seats (
        screen_id   integer NOT NULL CONSTRAINT screen_seats_screen_id_fkey REFERENCES screens (id) ON DELETE CASCADE,
        seat_number integer NOT NULL,
        row_index   integer NOT NULL,
        row_label   varchar(4) NOT NULL,
        place       integer NOT NULL,
        label       varchar(8) NOT NULL,
        kind        varchar(16) NOT NULL DEFAULT 'standard'
          CONSTRAINT screen_seats_kind_check CHECK (kind IN ('standard', 'wheelchair', 'companion', 'premium')),
        CONSTRAINT screen_seats_pkey PRIMARY KEY (screen_id, seat_number),
        CONSTRAINT screen_seats_place_key UNIQUE (screen_id, row_index, place),
        CONSTRAINT screen_seats_label_key UNIQUE (screen_id, label)
      )`);

    // Seat rows carry their seat's place in the plan; existing ones by the old rule.
    await q.query(`
      ALTER TABLE seats
        ADD COLUMN row_index integer, ADD COLUMN row_label varchar(4), ADD COLUMN place integer, ADD COLUMN label varchar(8),
        ADD COLUMN kind varchar(16) NOT NULL DEFAULT 'standard'
          CONSTRAINT seats_kind_check CHECK (kind IN ('standard', 'wheelchair', 'companion', 'premium'))`);
    await q.query(`
      UPDATE seats s SET row_index = (s.seat_number - 1) / ${PER_ROW('s.total_seats')}, place = (s.seat_number - 1) % ${PER_ROW('s.total_seats')}`);
    await q.query(`UPDATE seats SET row_label = ${ROW_LABEL('row_index')}`);
    await q.query(`UPDATE seats SET label = row_label || (place + 1)`);
    await q.query(`ALTER TABLE seats ALTER COLUMN row_index SET NOT NULL, ALTER COLUMN row_label SET NOT NULL, ALTER COLUMN place SET NOT NULL, ALTER COLUMN label SET NOT NULL`);

    // Each show onto a screen: one per folded name, another where shows of one name overlapped.
    const shows: { id: number; screen_name: string; key: string; date_time: Date; ends_at: Date; total_seats: number; scheduled: boolean }[] = await q.query(`
      SELECT id, screen_name, ${FOLD('screen_name')} AS key, date_time, ends_at, total_seats, status = 'scheduled' AS scheduled
        FROM shows ORDER BY key, date_time, id`);
    const keys = new Set(shows.map((show) => show.key));
    const screens: { name: string; key: string; total: number; busy: [number, number][]; shows: number[] }[] = [];
    const byKey = new Map<string, typeof screens>();
    for (const show of shows) {
      const mine = byKey.get(show.key) ?? [];
      byKey.set(show.key, mine);
      const [from, to] = [show.date_time.getTime(), show.ends_at.getTime()];
      let screen = show.scheduled ? mine.find((s) => s.busy.every(([a, b]) => to <= a || b <= from)) : mine[0];
      if (!screen) {
        let name = show.screen_name.trim();
        for (let n = 2; mine.length > 0; n++) {
          name = `${mine[0].name} (${n})`;
          const key = name.toLowerCase().replace(/\s+/g, ' ').trim();
          if (!keys.has(key)) break;
        }
        const key = name.toLowerCase().replace(/\s+/g, ' ').trim();
        keys.add(key);
        screen = { name, key, total: 0, busy: [], shows: [] };
        mine.push(screen);
        screens.push(screen);
      }
      if (show.scheduled) screen.busy.push([from, to]);
      screen.total = Math.max(screen.total, show.total_seats);
      screen.shows.push(show.id);
    }
    await q.query(`ALTER TABLE shows ADD COLUMN screen_id integer, ADD COLUMN free_at timestamptz`);
    for (const screen of screens) {
      const [{ id }] = await q.query(`INSERT INTO screens (cinema_id, name, name_key, total_seats, auto_plan) VALUES (1, $1, ${FOLD('$1::varchar')}, $2, true) RETURNING id`, [screen.name, screen.total]);
      await q.query(
        `INSERT INTO screen_seats (screen_id, seat_number, row_index, row_label, place, label)
         SELECT $1, n, r, ${ROW_LABEL('r')}, p, ${ROW_LABEL('r')} || (p + 1)
           FROM generate_series(1, $2::int) AS n, LATERAL (SELECT (n - 1) / ${PER_ROW('$2::int')} AS r, (n - 1) % ${PER_ROW('$2::int')} AS p) AS at`,
        [id, screen.total],
      );
      await q.query(`UPDATE shows SET screen_id = $1, screen_name = $2 WHERE id = ANY ($3::int[])`, [id, screen.name, screen.shows]);
    }
    await q.query(`UPDATE shows SET free_at = ends_at`);
    await q.query(`
      ALTER TABLE shows ADD COLUMN prices_by_kind jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT shows_prices_by_kind_check CHECK (jsonb_typeof(prices_by_kind) = 'object')`);
    await q.query(`ALTER TABLE shows DROP CONSTRAINT shows_screen_no_overlap`);
    await q.query(`
      ALTER TABLE shows
        ALTER COLUMN screen_id SET NOT NULL, ALTER COLUMN free_at SET NOT NULL,
        ADD CONSTRAINT shows_screen_id_fkey FOREIGN KEY (screen_id) REFERENCES screens (id) ON DELETE RESTRICT,
        ADD CONSTRAINT shows_free_after_end CHECK (free_at >= ends_at),
        ADD CONSTRAINT shows_screen_no_overlap EXCLUDE USING gist (screen_id WITH =, tstzrange(date_time, free_at) WITH &&) WHERE (status = 'scheduled')`);
    await q.query(`CREATE INDEX shows_screen_id_date_time_idx ON shows (screen_id, date_time)`);
  }

  /** Fails while shows of different screens with one spelling overlap (the old constraint compares spellings). */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX shows_screen_id_date_time_idx`);
    await q.query(`ALTER TABLE shows DROP CONSTRAINT shows_screen_no_overlap, DROP CONSTRAINT shows_free_after_end, DROP CONSTRAINT shows_screen_id_fkey`);
    await q.query(`ALTER TABLE shows DROP COLUMN prices_by_kind, DROP COLUMN free_at, DROP COLUMN screen_id`);
    await q.query(`
      ALTER TABLE shows ADD CONSTRAINT shows_screen_no_overlap
        EXCLUDE USING gist (screen_name WITH =, tstzrange(date_time, ends_at) WITH &&) WHERE (status = 'scheduled')`);
    await q.query(`ALTER TABLE seats DROP COLUMN kind, DROP COLUMN label, DROP COLUMN place, DROP COLUMN row_label, DROP COLUMN row_index`);
    await q.query(`DROP TABLE screen_seats`);
    await q.query(`DROP TABLE screens`);
    await q.query(`DROP TABLE cinemas`);
  }
}
