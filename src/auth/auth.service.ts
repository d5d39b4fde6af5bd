import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { AuthUser } from '../common/decorators/auth.decorators';
import { Database } from '../database/database';
import { first, Queryable } from '../database/statement';
import { LoginAttempts } from '../limits/login-attempts';
import { PasswordHasher } from '../users/password-hasher';
import { usernameKey } from '../users/username';
import { UsersService } from '../users/users.service';
import { AuthError } from './auth.errors';
import { INSERT_REFRESH_TOKEN, REVOKE_REFRESH_TOKEN, REVOKE_SESSIONS_OF_REUSED, USE_REFRESH_TOKEN } from './sql/refresh-tokens';
import { TokenService } from './token.service';

export interface TokenPair {
  access: string;
  refresh: string;
}

@Injectable()
export class AuthService {
  /** Verified against when the username is unknown, so both failures take the same time. */
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly db: Database,
    private readonly attempts: LoginAttempts,
    private readonly clock: Clock,
  ) {
    this.dummyHash = hasher.hash('not-a-real-password');
  }

  /**
   * A username and address locked out by earlier failures is refused before
   * any hashing, so guessing costs the service nothing; see LoginAttempts.
   */
  async login(username: string, password: string, ip: string): Promise<TokenPair> {
    const key = usernameKey(username);
    await this.attempts.assertAllowed(key, ip);
    const user = await this.users.findWithHashByUsernameKey(key);
    const hash = user?.password_hash ?? (await this.dummyHash);
    const { matches, rehash } = await this.hasher.verify(hash, password, ip);
    if (!user || !matches) {
      await this.attempts.failed(key, ip);
      throw new AuthError('INVALID_CREDENTIALS');
    }
    await this.attempts.succeeded(key, ip);
    if (rehash) await this.users.replaceHash(user.id, hash, await this.hasher.hash(password, ip));
    return this.issuePair(this.db, user, this.clock.now());
  }

  /**
   * Rotation: the presented refresh token is used up in the same transaction
   * that issues its successor, so it works exactly once. Presenting an already
   * used token means it leaked: every refresh token of that user is revoked
   * (and that revocation is kept, although the request fails).
   */
  async refresh(token: string): Promise<TokenPair> {
    const now = this.clock.now();
    const claims = this.tokens.verifyRefresh(token, now);
    if (!claims) throw new AuthError('INVALID_REFRESH_TOKEN');
    const pair = await this.db.transaction(async (tx) => {
      const user = await first(tx, USE_REFRESH_TOKEN, claims.jti, now);
      if (!user) {
        await tx.rows(REVOKE_SESSIONS_OF_REUSED, claims.jti, now);
        return undefined;
      }
      return this.issuePair(tx, user, now);
    });
    if (!pair) throw new AuthError('INVALID_REFRESH_TOKEN');
    return pair;
  }

  async logout(token: string): Promise<void> {
    const now = this.clock.now();
    const claims = this.tokens.verifyRefresh(token, now);
    if (!claims) throw new AuthError('INVALID_REFRESH_TOKEN');
    await this.db.rows(REVOKE_REFRESH_TOKEN, claims.jti, now);
  }

  /** Both tokens, and the refresh token's row, dated by the one `now` of the request. */
  private async issuePair(db: Queryable, user: AuthUser, now: Date): Promise<TokenPair> {
    const refresh = this.tokens.signRefresh(user.id, now);
    await db.rows(INSERT_REFRESH_TOKEN, refresh.jti, user.id, refresh.expiresAt, now);
    return { access: this.tokens.signAccess(user, now), refresh: refresh.token };
  }
}
