import { Module } from '@nestjs/common';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

/** Tickets (a booking's code, made with the booking) and check-in at the door. */
@Module({
  controllers: [TicketsController],
  providers: [TicketsService],
})
export class TicketsModule {}
