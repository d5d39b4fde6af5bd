import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics';
import { rateLimited } from './rate-limit.error';

/**
 * How many seat streams this instance keeps open: at most SSE_STREAMS_PER_IP
 * per client address and SSE_STREAMS_TOTAL in all. Counted per instance, in
 * memory: a stream is a connection this process holds, and its count must
 * follow the connection exactly, which a shared counter cannot if an instance
 * dies. (Behind a balancer of N instances, one address may so hold N times as
 * many.)
 */
@Injectable()
export class StreamCaps {
  private total = 0;
  private readonly perIp = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    metrics.gauge('sse_streams_open', 'Seat streams this instance holds open', () => this.openStreams);
  }

  /** Takes a place for a new stream, or throws 429; call the returned function when the stream ends. */
  open(ip: string): () => void {
    const mine = this.perIp.get(ip) ?? 0;
    if (mine >= this.config.limits.streamsPerIp) {
      this.metrics.rateLimited.inc({ limit: 'sse-streams-per-ip' });
      throw rateLimited(5000, `At most ${this.config.limits.streamsPerIp} seat streams per address.`);
    }
    if (this.total >= this.config.limits.streamsTotal) {
      this.metrics.rateLimited.inc({ limit: 'sse-streams-total' });
      throw rateLimited(5000, 'This server has as many seat streams open as it takes.');
    }
    this.total++;
    this.perIp.set(ip, mine + 1);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.total--;
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    };
  }

  get openStreams(): number {
    return this.total;
  }
}
