import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { EventBus, EventKind, Reported } from './events';
import { Queryable, Statement, Transaction } from './statement';

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
 * Either way, what the statements (and the work) reported is announced to the
 * subscribers of each kind after the commit, and never after a rollback. Work
 * that must commit with the change (a job, a message) is written in the same
 * transaction instead: see jobs/.
 */
@Injectable()
export class Database implements Queryable {
  private readonly bus = new EventBus();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Called synchronously after each commit that reported events of this kind, with all of them. */
  on<Payload>(kind: EventKind<Payload>, listener: (payloads: Payload[]) => void): void {
    this.bus.on(kind, listener);
  }

  /** The connection pool, for its owner's gauges. */
  get pool(): Pick<Pool, 'totalCount' | 'idleCount' | 'waitingCount'> {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  async rows<Params extends unknown[], Row>(statement: Statement<Params, Row>, ...params: Params): Promise<Row[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const rows = await execute(runner, statement, params);
      if (statement.events) this.bus.announce(statement.events(rows, params));
      return rows;
    } finally {
      await runner.release();
    }
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const reported: Reported[] = [];
    const tx: Transaction = {
      rows: async (statement, ...params) => {
        const rows = await execute(runner, statement, params);
        if (statement.events) reported.push(...statement.events(rows, params));
        return rows;
      },
      report: (...events) => void reported.push(...events),
    };
    try {
      await runner.connect();
      await runner.startTransaction('READ COMMITTED');
      const result = await work(tx);
      await runner.commitTransaction();
      this.bus.announce(reported);
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}

async function execute<Params extends unknown[], Row>(runner: QueryRunner, statement: Statement<Params, Row>, params: Params): Promise<Row[]> {
  const client = (await runner.connect()) as PoolClient;
  const result = await client.query({ name: statement.name, text: statement.text, values: params as unknown[] });
  return result.rows as Row[];
}
