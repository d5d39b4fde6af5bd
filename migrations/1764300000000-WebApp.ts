import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the web app reads that nothing read before: a customer's active holds
 * (GET /my-holds/, to resume a checkout after a reload), and a show's booked
 * and held seats for the admin list (counted from the partial index
 * seats_taken_idx, which covers both).
 */
export class WebApp1764300000000 implements MigrationInterface {
  name = 'WebApp1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX holds_user_active_idx ON holds (user_id, show_id) WHERE status = 'active'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX holds_user_active_idx`);
  }
}
