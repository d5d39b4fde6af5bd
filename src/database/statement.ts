import type { SeatChange } from '../seat-events/seat-events.sql';

/**
 * One SQL statement: its text, the name it is prepared under on each
 * connection, the types of its parameters and of its rows. Statements live in
 * the `sql/` folder of the module that owns their table; the snapshot spec
 * renders each into `src/queries/` so reviews see SQL changes.
 */
export interface Statement<Params extends unknown[], Row> {
  readonly name: string;
  readonly text: string;
  /**
   * For statements that change seats: what changed, read from their rows. The
   * database announces it after the statement's transaction commits, so no
   * writer can forget an announcement or announce a rollback.
   */
  readonly seatChanges?: (rows: Row[], params: Params) => SeatChange[];
}

/** `statement<[showId: number], ShowRow>({ name, text })`: types its parameters and rows. */
export function statement<Params extends unknown[], Row>(definition: Statement<Params, Row>): Statement<Params, Row> {
  return definition;
}

/** The one way to run a query: a statement and its parameters, rows back. */
export interface Queryable {
  rows<Params extends unknown[], Row>(statement: Statement<Params, Row>, ...params: Params): Promise<Row[]>;
}

/** The first row, or undefined. */
export async function first<Params extends unknown[], Row>(db: Queryable, statement: Statement<Params, Row>, ...params: Params): Promise<Row | undefined> {
  const [row] = await db.rows(statement, ...params);
  return row;
}
