import { MAX_SEATS_PER_SHOW } from '../../src/seats/seat-rules.sql';
import { seatLabel } from '../../src/seats/seat-label.sql';
import { layoutOf, shortName } from '../../web/src/seats/layout';
import { createTestDatabase, TestDatabase } from '../setup/test-app';

/**
 * One rule for a seat's name, in two places that must agree: the SQL that
 * labels a booking when it is sold (src/seats/seat-label.sql.ts) and the web
 * app that draws the seat map (web/src/seats/layout.ts). Compared on every
 * seat of every show size, in the database itself.
 */
describe('seat labels: the booking statement and the web app name every seat alike', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it(`agrees with the web app's map on every seat of shows of 1 to ${MAX_SEATS_PER_SHOW} seats`, async () => {
    const { rows } = await database.pool.query<{ total: number; labels: string }>(
      `SELECT t AS total, string_agg(${seatLabel('n', 't')}, ' ' ORDER BY n) AS labels
         FROM generate_series(1, $1::int) t, generate_series(1, t) n
        GROUP BY t ORDER BY t`,
      [MAX_SEATS_PER_SHOW],
    );
    expect(rows).toHaveLength(MAX_SEATS_PER_SHOW);
    const differing = rows.filter(({ total, labels }) => {
      const layout = layoutOf(total);
      return labels !== Array.from({ length: total }, (_, i) => shortName(layout, i + 1)).join(' ');
    });
    expect(differing.map((row) => row.total)).toEqual([]);
  });

  it('names the examples of the contract', async () => {
    const label = async (seat: number, total: number) =>
      (await database.pool.query<{ label: string }>(`SELECT ${seatLabel('$1::int', '$2::int')} AS label`, [seat, total])).rows[0].label;
    expect(await label(47, 100)).toBe('C7');
    expect(await Promise.all([1, 20].map((seat) => label(seat, 20)))).toEqual(['A1', 'A20']);
    expect(await Promise.all([11, 12, 21].map((seat) => label(seat, 21)))).toEqual(['A11', 'B1', 'B10']);
    expect(await Promise.all([520, 521, 2000].map((seat) => label(seat, 2000)))).toEqual(['Z20', 'AA1', 'CV20']);
  });
});
