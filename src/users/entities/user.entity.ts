import { Check, Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Role } from '../../common/decorators/auth.decorators';

/**
 * The users table as the migrations make it. Entities here describe the schema
 * (so `migration:generate` finds nothing to change); queries are in sql/.
 * username_key is the NFKC case-folded username (src/users/username.ts),
 * unique: one account per name whatever its case or width.
 */
@Entity('users')
@Check('users_role_check', `role IN ('customer', 'staff', 'admin')`)
@Unique('users_username_key_key', ['usernameKey'])
export class User {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'users_pkey' })
  id: number;

  @Column({ type: 'varchar', length: 150 })
  username: string;

  @Column({ name: 'username_key', type: 'varchar', length: 600 })
  usernameKey: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16, default: 'customer' })
  role: Role;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
