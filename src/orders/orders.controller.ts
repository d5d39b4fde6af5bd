import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthUser, CurrentUser } from '../common/decorators/auth.decorators';
import { Page, PageQuery } from '../common/http/pagination';
import { Paginated } from '../common/http/paginated';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { ApiProblems } from '../http/problems';
import { Idempotent } from '../idempotency/idempotent';
import { RateLimited } from '../limits/rate-limits';
import { DemoPaymentDto, OrderResponse } from './dto/order.dto';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@Auth()
@Controller()
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post('holds/:id/checkout')
  @RateLimited('bookings')
  @Idempotent({ retryOnConflict: true })
  @ApiOperation({ summary: "Check out my hold of a priced show: its order (the same one again while it lasts) and what the client needs to pay" })
  @ApiCreatedResponse({ type: OrderResponse })
  @ApiProblems(
    'NOT_HOLD_OWNER',
    'HOLD_NOT_FOUND',
    'HOLD_ALREADY_CONFIRMED',
    'HOLD_RELEASED',
    'HOLD_EXPIRED',
    'SHOW_CANCELLED',
    'CHECKOUT_NOT_NEEDED',
    'PAYMENT_PROVIDER_UNAVAILABLE',
    'PAYMENT_PROVIDER_ERROR',
    'CONCURRENT_UPDATE',
    'RATE_LIMITED',
  )
  checkout(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) holdId: number): Promise<OrderResponse> {
    return this.orders.checkout(user, holdId);
  }

  @Post('orders/:id/demo-payment')
  @HttpCode(200)
  @RateLimited('bookings')
  @Idempotent({ retryOnConflict: true })
  @ApiOperation({ summary: 'Pay my order with the demo provider (PAYMENT_PROVIDER=demo only): the order, paid, or refunded when its seats were gone' })
  @ApiOkResponse({ type: OrderResponse })
  @ApiProblems('VALIDATION_FAILED', 'ORDER_NOT_FOUND', 'NOT_ORDER_OWNER', 'ORDER_ALREADY_PAID', 'ORDER_REFUNDED', 'PAYMENT_DECLINED', 'CONCURRENT_UPDATE', 'RATE_LIMITED')
  demoPay(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) orderId: number, @Body() dto: DemoPaymentDto): Promise<OrderResponse> {
    return this.orders.demoPay(user, orderId, dto.card_number);
  }

  @Get('orders/:id')
  @ApiOperation({ summary: 'An order (its owner, or an admin)' })
  @ApiOkResponse({ type: OrderResponse })
  @ApiProblems('ORDER_NOT_FOUND', 'NOT_ORDER_OWNER')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) orderId: number): Promise<OrderResponse> {
    return this.orders.get(user, orderId);
  }

  @Paginated(OrderResponse)
  @Get('my-orders')
  @ApiOperation({ summary: 'My orders, newest first (X-Total-Count header gives the full count)' })
  @ApiProblems('VALIDATION_FAILED')
  mine(@CurrentUser() user: AuthUser, @Query() query: PageQuery): Promise<Page<OrderResponse>> {
    return this.orders.listForUser(user.id, query);
  }
}
