import { DataSource, QueryRunner } from 'typeorm';

/**
 * Runs `work` in one READ COMMITTED transaction on its own QueryRunner. Short by
 * design: no network calls or hashing inside, only SQL. Whatever it throws rolls
 * the transaction back and is rethrown untouched, so the retry interceptor sees
 * the original SQLSTATE.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.startTransaction('READ COMMITTED');
    const result = await work(runner);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}
