import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { Logger as Pino } from 'pino';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AuthModule } from './auth/auth.module';
import { BookingsModule } from './bookings/bookings.module';
import { Clock } from './common/clock';
import { ProblemDetailsFilter } from './common/filters/problem-details.filter';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { dataSourceOptions } from './database/data-source-options';
import { DATABASE_URL } from './database/database-url';
import { runMigrationsExclusively } from './database/run-migrations';
import { ENTITIES } from './entities';
import { SeatEventsModule } from './seat-events/seat-events.module';
import { HealthController } from './health/health.controller';
import { BodylessRoutes } from './http/bodyless-routes';
import { JobsModule } from './jobs/jobs.module';
import { MailModule } from './mail/mail.module';
import { PasswordResetModule } from './password-reset/password-reset.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { Lifecycle } from './lifecycle/lifecycle';
import { LimitsModule } from './limits/limits.module';
import { MetricsModule } from './metrics/metrics.module';
import { MoviesModule } from './movies/movies.module';
import { OrdersModule } from './orders/orders.module';
import { StripeWebhookModule } from './payments/webhooks/stripe-webhook.module';
import { ShowsModule } from './shows/shows.module';
import { CinemasModule } from './cinemas/cinemas.module';
import { ReportsModule } from './reports/reports.module';
import { ScreensModule } from './screens/screens.module';
import { TicketsModule } from './tickets/tickets.module';

export interface AppModuleOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Tests pass a ManualClock to move time. */
  clock?: Clock;
  /** main.ts passes the one its signal handlers drive. */
  lifecycle?: Lifecycle;
  /** The root logger (main.ts's, or a test's that reads the lines). */
  logger?: Pino;
}

@Global()
@Module({})
class CoreModule {
  static register(options: AppModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: Clock, useValue: options.clock ?? new Clock() },
        { provide: DATABASE_URL, useValue: options.databaseUrl },
        { provide: Lifecycle, useValue: options.lifecycle ?? new Lifecycle() },
      ],
      exports: [APP_CONFIG, Clock, DATABASE_URL, Lifecycle],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(options),
        DiscoveryModule,
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(options.databaseUrl, options.config.database, ENTITIES),
          dataSourceFactory: async (dataSourceOptions) => {
            const dataSource = await new DataSource(dataSourceOptions as DataSourceOptions).initialize();
            if (options.config.database.migrationsRun) await runMigrationsExclusively(dataSource);
            return dataSource;
          },
        }),
        DatabaseModule,
        // Before every module that registers or adds jobs.
        JobsModule,
        MailModule,
        SeatEventsModule,
        IdempotencyModule,
        AuthModule,
        // After AuthModule: its guard runs after the JWT guard, so per-account limits know the account.
        LimitsModule,
        MetricsModule,
        MoviesModule,
        CinemasModule,
        ScreensModule,
        ShowsModule,
        BookingsModule,
        OrdersModule,
        StripeWebhookModule,
        TicketsModule,
        PasswordResetModule,
        ReportsModule,
      ],
      controllers: [HealthController],
      providers: [
        BodylessRoutes,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
