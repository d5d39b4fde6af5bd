import { Module } from '@nestjs/common';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** What admins read about the business: the sales report. */
@Module({ controllers: [ReportsController], providers: [ReportsService] })
export class ReportsModule {}
