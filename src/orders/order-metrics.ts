import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import { Metrics } from '../metrics/metrics';
import { PAYMENT_OUTCOMES, REFUND_OUTCOMES } from './order-events';

/**
 * Counts what the money statements report, after their commit (so a rolled-back
 * settlement counts nothing), whichever path ran them: the demo card, a
 * provider's webhook, a box-office sale, a refund's payout job.
 */
@Injectable()
export class OrderMetrics {
  constructor(db: Database, metrics: Metrics) {
    db.on(PAYMENT_OUTCOMES, (payments) => payments.forEach((labels) => metrics.payments.inc(labels)));
    db.on(REFUND_OUTCOMES, (refunds) => refunds.forEach((labels) => metrics.refunds.inc(labels)));
  }
}
