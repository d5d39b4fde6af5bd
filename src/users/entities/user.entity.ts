import { Check, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../../common/decorators/auth.decorators';

/**
 * The users table as the migrations make it. Entities here describe the schema
 * (so `migration:generate` finds nothing to change); queries are in sql/.
 * users_username_lower_key, a unique index on lower(username), is an
 * expression index, which TypeORM can neither declare nor see.
 */
@Entity('users')
@Check('users_role_check', `role IN ('customer', 'admin')`)
export class User {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'users_pkey' })
  id: number;

  @Column({ type: 'varchar', length: 150 })
  username: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16, default: 'customer' })
  role: Role;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
