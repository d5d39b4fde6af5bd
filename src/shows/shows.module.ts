import { Module } from '@nestjs/common';
import { SeatMapController } from './seat-map.controller';
import { SeatMapService } from './seat-map.service';
import { ShowsController } from './shows.controller';
import { ShowsService } from './shows.service';

@Module({
  controllers: [ShowsController, SeatMapController],
  providers: [ShowsService, SeatMapService],
  exports: [ShowsService],
})
export class ShowsModule {}
