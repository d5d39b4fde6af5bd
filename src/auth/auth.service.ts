import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../common/decorators/auth.decorators';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { AuthError, AuthErrorCode } from './auth.errors';
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
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.dummyHash = hasher.hash('not-a-real-password');
  }

  async login(username: string, password: string): Promise<TokenPair> {
    const user = await this.users.findWithHashByUsername(username);
    const hash = user?.passwordHash ?? (await this.dummyHash);
    const { matches, rehash } = await this.hasher.verify(hash, password);
    if (!user || !matches) throw new AuthError(AuthErrorCode.INVALID_CREDENTIALS);
    if (rehash) await this.users.replaceHash(user.id, hash, await this.hasher.hash(password));
    return this.issuePair(user);
  }

  /**
   * Rotation: the presented refresh token is revoked in the same transaction that
   * issues its successor, so it works exactly once. Presenting an already used
   * token means it leaked: every refresh token of that user is revoked.
   */
  async refresh(token: string): Promise<TokenPair> {
    const claims = this.tokens.verifyRefresh(token);
    if (!claims) throw new AuthError(AuthErrorCode.INVALID_REFRESH_TOKEN);
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      const [rows]: [AuthUser[], number] = await runner.query(
        `UPDATE refresh_tokens t SET revoked_at = now()
           FROM users u
          WHERE t.id = $1 AND t.user_id = u.id AND t.revoked_at IS NULL AND t.expires_at > now()
          RETURNING u.id, u.username, u.role`,
        [claims.jti],
      );
      if (rows.length === 0) {
        await runner.query(
          `UPDATE refresh_tokens SET revoked_at = now()
            WHERE revoked_at IS NULL AND user_id = (SELECT user_id FROM refresh_tokens WHERE id = $1 AND revoked_at IS NOT NULL)`,
          [claims.jti],
        );
        await runner.commitTransaction();
        throw new AuthError(AuthErrorCode.INVALID_REFRESH_TOKEN);
      }
      const pair = await this.issuePair(rows[0], runner.query.bind(runner));
      await runner.commitTransaction();
      return pair;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  async logout(token: string): Promise<void> {
    const claims = this.tokens.verifyRefresh(token);
    if (!claims) throw new AuthError(AuthErrorCode.INVALID_REFRESH_TOKEN);
    await this.dataSource.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [
      claims.jti,
    ]);
  }

  private async issuePair(
    user: AuthUser,
    query: (sql: string, params: unknown[]) => Promise<unknown> = (sql, params) => this.dataSource.query(sql, params),
  ): Promise<TokenPair> {
    const refresh = this.tokens.signRefresh(user.id);
    await query(`INSERT INTO refresh_tokens (id, user_id, expires_at) VALUES ($1, $2, $3)`, [
      refresh.jti,
      user.id,
      refresh.expiresAt,
    ]);
    return { access: this.tokens.signAccess(user), refresh: refresh.token };
  }
}
