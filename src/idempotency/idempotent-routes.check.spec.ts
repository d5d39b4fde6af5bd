import { Controller, Delete, Get, Post } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Auth, Public } from '../common/decorators/auth.decorators';
import { RetryOnConflict } from '../common/interceptors/retry-on-conflict.interceptor';
import { Idempotent } from './idempotent';
import { IdempotentRoutesCheck } from './idempotent-routes.check';
import { IdempotencyService } from './idempotency.service';
import { Metrics } from '../metrics/metrics';

@Controller('fine')
class Fine {
  @Auth()
  @Idempotent()
  @Post()
  create() {}

  @Auth()
  @Idempotent({ retryOnConflict: true })
  @Delete(':id')
  remove() {}

  @Auth()
  @Get()
  read() {}

  @Public()
  @Post('login')
  login() {}
}

@Controller('forgot')
class Forgot {
  @Auth('admin')
  @Post()
  create() {}
}

@Controller('retried')
class RetriedOnly {
  @Auth()
  @RetryOnConflict()
  @Post()
  create() {}
}

async function start(controller: new () => object) {
  const module = await Test.createTestingModule({
    imports: [DiscoveryModule],
    controllers: [controller],
    // The interceptors' own dependencies are not what this checks.
    providers: [IdempotentRoutesCheck, { provide: IdempotencyService, useValue: {} }, { provide: Metrics, useValue: {} }],
  }).compile();
  await module.init();
  return module;
}

describe('IdempotentRoutesCheck', () => {
  it('lets an app start whose signed-in writes all honour Idempotency-Key (reads and public routes need nothing)', async () => {
    await expect(start(Fine).then((module) => module.close())).resolves.toBeUndefined();
  });

  it('refuses to start with a signed-in write that would ignore the header, and names it', async () => {
    await expect(start(Forgot)).rejects.toThrow('state-changing routes without @Idempotent(): Forgot.create');
  });

  it('does not take a retried route for an idempotent one: the retries alone would answer a repeated request twice', async () => {
    await expect(start(RetriedOnly)).rejects.toThrow('state-changing routes without @Idempotent(): RetriedOnly.create');
  });
});
