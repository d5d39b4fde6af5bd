import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OutageLog } from '../../common/outage-log';
import { HoldsService } from './holds.service';

const SWEEP_EVERY_MS = 1000;

/**
 * Announces expired holds within about a second, so stream clients see their
 * seats come back. Nothing depends on it for correctness.
 */
@Injectable()
export class HoldExpiryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HoldExpiryScheduler.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private readonly outage = new OutageLog(this.logger, 'the hold expiry sweep');

  constructor(private readonly holds: HoldsService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.holds.expireDue();
      this.outage.succeeded();
    } catch (error) {
      this.outage.failed(error);
    } finally {
      this.running = false;
    }
  }
}
