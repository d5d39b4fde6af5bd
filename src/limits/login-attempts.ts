import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics';
import { LimitStore } from './limit-store';
import { rateLimited } from './rate-limit.error';

/** The longest a run of failures locks a (username, address) or an address out. */
const MAX_LOCKOUT_MS = 15 * 60_000;

/**
 * Brute-force protection for /login/, checked before any password is hashed
 * (so a refused attempt costs no CPU): wrong passwords are counted per
 * (username, address) and per address within LOGIN_FAILURE_WINDOW_SECONDS.
 * Past the allowance, each further failure locks that key out for twice as
 * long as the one before (1 s, 2 s, 4 s ... 15 min). A correct password clears
 * its (username, address) count, not the address's.
 */
@Injectable()
export class LoginAttempts {
  constructor(
    private readonly store: LimitStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /** Throws 429 while this username from this address, or this address, is locked out. */
  async assertAllowed(usernameKey: string, ip: string): Promise<void> {
    const [account, address] = await Promise.all([this.store.blockedFor(this.accountKey(usernameKey, ip)), this.store.blockedFor(this.addressKey(ip))]);
    const wait = Math.max(account, address);
    if (wait > 0) {
      this.metrics.rateLimited.inc({ limit: address >= account ? 'login-failures-per-ip' : 'login-failures-per-account-and-ip' });
      throw rateLimited(wait, address >= account ? 'Too many failed logins from this address.' : 'Too many failed logins for this username from this address.');
    }
  }

  async failed(usernameKey: string, ip: string): Promise<void> {
    const windowMs = this.config.limits.loginFailureWindowSeconds * 1000;
    const rules: [string, number][] = [
      [this.accountKey(usernameKey, ip), this.config.limits.loginFailuresPerAccountAndIp],
      [this.addressKey(ip), this.config.limits.loginFailuresPerIp],
    ];
    await Promise.all(
      rules.map(async ([key, allowed]) => {
        const failures = await this.store.count(key, windowMs);
        if (failures >= allowed) await this.store.block(key, Math.min(MAX_LOCKOUT_MS, 1000 * 2 ** (failures - allowed)));
      }),
    );
  }

  async succeeded(usernameKey: string, ip: string): Promise<void> {
    await this.store.reset(this.accountKey(usernameKey, ip));
  }

  private accountKey(usernameKey: string, ip: string): string {
    return `login-failures:account:${ip}:${usernameKey}`;
  }

  private addressKey(ip: string): string {
    return `login-failures:ip:${ip}`;
  }
}
