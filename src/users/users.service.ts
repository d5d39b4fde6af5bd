import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { pgCode, PgCode } from '../common/errors/pg-errors';
import { Database } from '../database/database';
import { first } from '../database/statement';
import { PasswordHasher } from './password-hasher';
import { ENSURE_ADMIN, INSERT_USER, REPLACE_PASSWORD_HASH, USER_BY_ID, USER_WITH_HASH_BY_USERNAME_KEY, UserRow, UserWithHashRow } from './sql/users';
import { normalizeUsername, usernameKey } from './username';
import { UserError } from './users.errors';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.admin;
    if (!admin) return;
    const username = normalizeUsername(admin.username);
    await this.db.rows(ENSURE_ADMIN, username, usernameKey(username), admin.email, await this.hasher.hash(admin.password), this.clock.now());
    this.logger.log(`admin account "${admin.username}" is present`);
  }

  /** `username` as SignupDto gives it: NFKC-normalised, checked by usernameProblem(). */
  async create(username: string, email: string, password: string, address?: string): Promise<UserRow> {
    const passwordHash = await this.hasher.hash(password, address);
    try {
      const [user] = await this.db.rows(INSERT_USER, username, usernameKey(username), email, passwordHash);
      return user;
    } catch (error) {
      if (pgCode(error) === PgCode.UNIQUE_VIOLATION) throw new UserError('USERNAME_TAKEN');
      throw error;
    }
  }

  async findById(id: number): Promise<UserRow> {
    const user = await first(this.db, USER_BY_ID, id);
    if (!user) throw new UserError('USER_NOT_FOUND');
    return user;
  }

  /** By the key of the name (see usernameKey), so a login finds the account whatever the case or width typed. */
  findWithHashByUsernameKey(key: string): Promise<UserWithHashRow | undefined> {
    return first(this.db, USER_WITH_HASH_BY_USERNAME_KEY, key);
  }

  async replaceHash(id: number, oldHash: string, newHash: string): Promise<void> {
    await this.db.rows(REPLACE_PASSWORD_HASH, id, oldHash, newHash);
  }
}
