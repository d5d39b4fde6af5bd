import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Role } from '../common/decorators/auth.decorators';
import { Page } from '../common/http/pagination';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { pgCode, PgCode } from '../common/errors/pg-errors';
import { Database } from '../database/database';
import { likeContains } from '../database/sql-text';
import { first } from '../database/statement';
import { PasswordHasher } from './password-hasher';
import { AccountResponse, UserListQuery } from './dto/user.dto';
import {
  COUNT_USERS,
  ENSURE_ADMIN,
  INSERT_USER,
  LIST_USERS,
  REPLACE_PASSWORD_HASH,
  SET_USER_ROLE,
  USER_BY_ID,
  USER_WITH_HASH_BY_USERNAME_KEY,
  UserRow,
  UserWithHashRow,
} from './sql/users';
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

  /** Accounts for admins, by id; `search` matches the name or the address, in any case. */
  async list(query: UserListQuery): Promise<Page<AccountResponse>> {
    const pattern = query.search ? likeContains(query.search) : null;
    const rows = await this.db.rows(LIST_USERS, pattern, query.limit, query.offset);
    // A page past the end has no row to carry the count.
    const total = rows.length > 0 ? rows[0].total : (await this.db.rows(COUNT_USERS, pattern))[0].total;
    return new Page(
      rows.map(({ id, username, email, role }) => ({ id, username, email, role })),
      total,
    );
  }

  /** SET_USER_ROLE changes the role and, when it changed, ends the account's sessions, in one statement. */
  async setRole(id: number, role: Role): Promise<AccountResponse> {
    const user = await first(this.db, SET_USER_ROLE, id, role, this.clock.now());
    if (!user) throw new UserError('USER_NOT_FOUND');
    return user;
  }

  async replaceHash(id: number, oldHash: string, newHash: string): Promise<void> {
    await this.db.rows(REPLACE_PASSWORD_HASH, id, oldHash, newHash);
  }
}
