import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { pgCode, PgCode } from '../common/errors/pg-errors';
import { User } from './entities/user.entity';
import { UserNotFoundError, UsernameTakenError } from './users.errors';

export interface UserWithHash extends User {
  passwordHash: string;
}

/**
 * argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). The
 * library's default of 64 MiB per hash, times the four hashes libuv runs at once,
 * made a burst of logins cost a quarter of a gigabyte of memory.
 */
export const hashPassword = (password: string) =>
  argon2.hash(password, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.admin;
    if (admin) await this.ensureAdmin(admin.username, admin.email, admin.password);
  }

  async create(username: string, email: string, password: string): Promise<User> {
    const passwordHash = await hashPassword(password);
    try {
      const [row] = await this.dataSource.query(
        `INSERT INTO users (username, email, password_hash) VALUES ($1, $2, $3)
         RETURNING id, username, email, role, created_at AS "createdAt"`,
        [username, email, passwordHash],
      );
      return row as User;
    } catch (error) {
      if (pgCode(error) === PgCode.UNIQUE_VIOLATION) throw new UsernameTakenError();
      throw error;
    }
  }

  async findById(id: number): Promise<User> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id });
    if (!user) throw new UserNotFoundError();
    return user;
  }

  async findWithHashByUsername(username: string): Promise<UserWithHash | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT id, username, email, role, password_hash AS "passwordHash" FROM users WHERE lower(username) = lower($1)`,
      [username],
    );
    return row as UserWithHash | undefined;
  }

  /**
   * Creates the configured admin, or takes over a customer account of that name; safe to run from
   * several instances at once. Taking over sets ADMIN_PASSWORD and ends that account's sessions:
   * otherwise whoever signed up with the name before it was configured would become admin.
   */
  private async ensureAdmin(username: string, email: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.dataSource.query(
      `WITH admin AS (
         INSERT INTO users (username, email, password_hash, role) VALUES ($1, $2, $3, 'admin')
         ON CONFLICT ((lower(username))) DO UPDATE
           SET role = 'admin', email = EXCLUDED.email, password_hash = EXCLUDED.password_hash
           WHERE users.role <> 'admin'
         RETURNING id
       )
       UPDATE refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM admin)`,
      [username, email, passwordHash],
    );
    this.logger.log(`admin account "${username}" is present`);
  }
}
