import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { Mailer } from '../mail/mailer';
import { PasswordHasher } from '../users/password-hasher';
import { PasswordResetError } from './password-reset.errors';
import { ISSUE_RESET_TOKENS, USE_RESET_TOKEN } from './sql/password-reset-tokens';

/** Accounts one address may have that each get their own message (more are not reset by one request). */
const MAX_ACCOUNTS_PER_ADDRESS = 10;
/**
 * Every request takes at least this long, whether the address has accounts
 * or not, so the answer's timing says nothing the 202 does not.
 */
const CONSTANT_ANSWER_MS = 250;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

@Injectable()
export class PasswordResetService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly mailer: Mailer,
    private readonly hasher: PasswordHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Sends every account with this address a single-use code, valid for
   * PASSWORD_RESET_TTL_MINUTES; the codes and their messages are written in
   * one transaction (a message exists if and only if its code does). The
   * caller learns nothing about the address either way.
   */
  async request(email: string): Promise<void> {
    const started = performance.now();
    const tokens = Array.from({ length: MAX_ACCOUNTS_PER_ADDRESS }, () => randomBytes(32).toString('base64url'));
    const byHash = new Map(tokens.map((token) => [sha256(token), token]));
    const now = this.clock.now();
    const minutes = this.config.mail.passwordResetTtlMinutes;
    await this.db.transaction(async (tx) => {
      const issued = await tx.rows(ISSUE_RESET_TOKENS, email, [...byHash.keys()], now, new Date(now.getTime() + minutes * 60_000));
      for (const account of issued) {
        const token = byHash.get(account.token_hash)!;
        const link = `${this.config.publicUrl}/reset-password#token=${token}`;
        await this.mailer.queue(tx, 'password-reset', account.email, { username: account.username, link, token, minutes });
      }
    });
    const left = CONSTANT_ANSWER_MS - (performance.now() - started);
    if (left > 0) await sleep(left);
  }

  /** Sets the new password with a code (once), ending every session of the account. */
  async confirm(token: string, password: string, address?: string): Promise<void> {
    const passwordHash = await this.hasher.hash(password, address);
    const [verdict] = await this.db.rows(USE_RESET_TOKEN, sha256(token), passwordHash, this.clock.now());
    if (verdict.refusal) throw new PasswordResetError(verdict.refusal);
  }
}
