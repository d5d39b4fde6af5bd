import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { OrderMetrics } from './order-metrics';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

@Module({
  imports: [PaymentsModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrderMetrics],
  exports: [OrdersService],
})
export class OrdersModule {}
