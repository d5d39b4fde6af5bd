import type { Reported } from './events';

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
   * What the statement did that others may want to know (seats changed, an
   * order paid...), read from its rows. The database announces it after the
   * statement's transaction commits, so no writer can forget an announcement
   * or announce a rollback.
   */
  readonly events?: (rows: Row[], params: Params) => Reported[];
}

/** `statement<[showId: number], ShowRow>({ name, text })`: types its parameters and rows. */
export function statement<Params extends unknown[], Row>(definition: Statement<Params, Row>): Statement<Params, Row> {
  return definition;
}

/** The one way to run a query: a statement and its parameters, rows back. */
export interface Queryable {
  rows<Params extends unknown[], Row>(statement: Statement<Params, Row>, ...params: Params): Promise<Row[]>;
}

/**
 * Inside `Database.transaction`: statements run on the transaction's
 * connection (a library that must write in the same transaction, the job
 * queue, runs its SQL as statements too), and the work may report events of
 * its own, announced after commit with its statements'.
 */
export interface Transaction extends Queryable {
  report(...events: Reported[]): void;
}

/** The first row, or undefined. */
export async function first<Params extends unknown[], Row>(db: Queryable, statement: Statement<Params, Row>, ...params: Params): Promise<Row | undefined> {
  const [row] = await db.rows(statement, ...params);
  return row;
}
