import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';

/** A customer's Idempotency-Key and the first answer to its request; the primary key decides who runs. */
@Entity('idempotency_keys')
@Check('idempotency_keys_status_check', `status IN ('in_progress', 'completed')`)
@Check('idempotency_keys_completed_has_response', `status = 'in_progress' OR response_status IS NOT NULL`)
@Index('idempotency_keys_created_at_idx', ['createdAt'])
export class IdempotencyKey {
  @PrimaryColumn({ name: 'user_id', type: 'integer', primaryKeyConstraintName: 'idempotency_keys_pkey' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'idempotency_keys_user_id_fkey' })
  user?: User;

  @PrimaryColumn({ type: 'varchar', length: 255, primaryKeyConstraintName: 'idempotency_keys_pkey' })
  key: string;

  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash: string;

  @Column({ type: 'varchar', length: 16 })
  status: 'in_progress' | 'completed';

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus: number | null;

  @Column({ name: 'response_body', type: 'json', nullable: true })
  responseBody: unknown;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
