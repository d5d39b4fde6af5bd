import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { REFUND_REASONS, RefundReason } from '../entities/order.entity';
import type { OrderRow } from '../sql/order-row';

const STATUSES = ['pending', 'paid', 'failed', 'expired', 'partially_refunded', 'refunded'] as const;

@ApiSchema({ name: 'OrderPayment' })
export class OrderPaymentResponse {
  @ApiProperty({ enum: ['demo', 'stripe', 'box_office'], example: 'demo' }) provider: 'demo' | 'stripe' | 'box_office';
  @ApiPropertyOptional({ example: '/orders/12/pay', description: 'demo: the web page that takes the card' }) pay_url?: string;
  @ApiPropertyOptional({ description: "stripe: for Stripe's Payment Element (checkout's answer only)" }) client_secret?: string;
  @ApiPropertyOptional({ description: 'stripe: the publishable key the Payment Element needs' }) publishable_key?: string;
}

@ApiSchema({ name: 'Order' })
export class OrderResponse {
  @ApiProperty({ type: 'integer', example: 12 }) id: number;
  @ApiProperty({ type: 'integer', example: 3 }) user_id: number;
  @ApiProperty({ type: 'integer', example: 7 }) show_id: number;
  @ApiProperty({ type: 'integer', nullable: true, example: 41, description: 'The hold it checked out (null for a box-office sale)' }) hold_id: number | null;
  @ApiProperty({ type: 'integer', isArray: true, example: [12, 13] }) seat_numbers: number[];
  @ApiProperty({ type: 'string', isArray: true, example: ['A12', 'A13'], description: 'The seats by label, in the order of `seat_numbers`' }) seat_labels: string[];
  @ApiProperty({ example: 'Inception' }) movie_title: string;
  @ApiProperty({ example: 'Screen 1' }) screen_name: string;
  @ApiProperty({ type: 'string', format: 'date-time', description: "The show's start" }) date_time: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 2500, description: "seats × the show's price, in minor units of `currency`" }) amount: number;
  @ApiProperty({ example: 'EUR', description: 'ISO 4217' }) currency: string;
  @ApiProperty({ enum: STATUSES, example: 'pending' }) status: (typeof STATUSES)[number];
  @ApiProperty({ type: 'string', format: 'date-time', description: 'Pay before then; the hold keeps the seats until then' }) expires_at: string;
  @ApiProperty({ type: 'string', format: 'date-time' }) created_at: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the payment arrived' }) paid_at: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, example: 0 }) refunded_amount: number;
  @ApiProperty({ type: 'string', enum: [...REFUND_REASONS, null], nullable: true, example: null, description: 'Set when the service refunded the order' }) refund_reason: RefundReason | null;
  @ApiProperty({ type: OrderPaymentResponse }) payment: OrderPaymentResponse;
}

export function toOrder(row: OrderRow, payment: OrderPaymentResponse & Record<string, unknown>): OrderResponse {
  return {
    id: row.id,
    user_id: row.user_id,
    show_id: row.show_id,
    hold_id: row.hold_id,
    seat_numbers: row.seat_numbers,
    seat_labels: row.show.seat_labels,
    movie_title: row.show.movie_title,
    screen_name: row.show.screen_name,
    date_time: new Date(row.show.date_time).toISOString(),
    amount: row.amount,
    currency: row.currency,
    status: row.shown_status,
    expires_at: row.expires_at.toISOString(),
    created_at: row.created_at.toISOString(),
    paid_at: row.paid_at?.toISOString() ?? null,
    refunded_amount: row.refunded_amount,
    refund_reason: row.refund_reason,
    payment,
  };
}

@ApiSchema({ name: 'DemoPayment' })
export class DemoPaymentDto {
  @ApiProperty({ example: '4242 4242 4242 4242', description: 'demo: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined' })
  @IsString()
  @Matches(/^[0-9 ]{12,23}$/, { message: 'card_number must be a card number: 12 to 19 digits, spaces allowed' })
  card_number: string;
}
