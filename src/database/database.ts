import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import type { SeatChange } from '../seat-events/seat-events.sql';
import { Queryable, Statement } from './statement';

type SeatChangeListener = (changes: SeatChange[]) => void;

/**
 * Every query of the service runs here, on a TypeORM QueryRunner's own pg
 * connection (so named statements are prepared once per connection):
 *
 * - `rows()` runs one statement outside an explicit transaction, which makes
 *   the statement its own transaction (one round trip);
 * - `transaction()` runs work in one READ COMMITTED transaction; whatever it
 *   throws rolls back and is rethrown untouched (the retry interceptor needs
 *   the SQLSTATE). Short by design: SQL only, no hashing or network calls.
 *
 * Either way, the seat changes of the statements that ran are announced after
 * the commit, and never after a rollback.
 */
@Injectable()
export class Database implements Queryable {
  private readonly seatChangeListeners = new Set<SeatChangeListener>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The seat-event announcer subscribes here; called synchronously after each commit that changed seats. */
  onSeatChanges(listener: SeatChangeListener): void {
    this.seatChangeListeners.add(listener);
  }

  async rows<Params extends unknown[], Row>(statement: Statement<Params, Row>, ...params: Params): Promise<Row[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const rows = await execute(runner, statement, params);
      if (statement.seatChanges) this.announce(statement.seatChanges(rows, params));
      return rows;
    } finally {
      await runner.release();
    }
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const changes: SeatChange[] = [];
    const tx: Queryable = {
      rows: async (statement, ...params) => {
        const rows = await execute(runner, statement, params);
        if (statement.seatChanges) changes.push(...statement.seatChanges(rows, params));
        return rows;
      },
    };
    try {
      await runner.connect();
      await runner.startTransaction('READ COMMITTED');
      const result = await work(tx);
      await runner.commitTransaction();
      this.announce(changes);
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private announce(changes: SeatChange[]): void {
    if (changes.length === 0) return;
    for (const listener of this.seatChangeListeners) listener(changes);
  }
}

async function execute<Params extends unknown[], Row>(runner: QueryRunner, statement: Statement<Params, Row>, params: Params): Promise<Row[]> {
  const client = (await runner.connect()) as PoolClient;
  const result = await client.query({ name: statement.name, text: statement.text, values: params as unknown[] });
  return result.rows as Row[];
}
