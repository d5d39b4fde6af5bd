import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { pgCode, PgCode } from '../common/errors/pg-errors';
import { User } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';
import { UserNotFoundError, UsernameTakenError } from './users.errors';

export interface UserWithHash extends User {
  passwordHash: string;
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.admin;
    if (admin) await this.ensureAdmin(admin.username, admin.email, admin.password);
  }

  async create(username: string, email: string, password: string): Promise<User> {
    const passwordHash = await this.hasher.hash(password);
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

  /** Replaces a hash made with older parameters, unless the password changed meanwhile. */
  async replaceHash(id: number, oldHash: string, newHash: string): Promise<void> {
    await this.dataSource.query(`UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`, [id, oldHash, newHash]);
  }

  /**
   * Creates the configured admin, or takes over a customer account of that name; safe to run from
   * several instances at once. Taking over sets ADMIN_PASSWORD and ends that account's sessions:
   * otherwise whoever signed up with the name before it was configured would become admin.
   */
  private async ensureAdmin(username: string, email: string, password: string): Promise<void> {
    const passwordHash = await this.hasher.hash(password);
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
