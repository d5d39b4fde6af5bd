import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { DEFAULT_RETRY, RETRY_ON_CONFLICT_KEY, RetryOnConflictInterceptor } from '../common/interceptors/retry-on-conflict.interceptor';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { Idempotent, IDEMPOTENT_KEY } from './idempotent';

class Routes {
  @Idempotent()
  create(): void {}

  @Idempotent({ retryOnConflict: true })
  book(): void {}

  @Idempotent({ retryOnConflict: { attempts: 5 } })
  confirm(): void {}
}

const metadata = (key: string, handler: keyof Routes): unknown => Reflect.getMetadata(key, Routes.prototype[handler]);

describe('@Idempotent()', () => {
  it('marks the route for IdempotentRoutesCheck and puts the idempotency interceptor on it, nothing else', () => {
    expect(metadata(IDEMPOTENT_KEY, 'create')).toBe(true);
    expect(metadata(INTERCEPTORS_METADATA, 'create')).toEqual([IdempotencyInterceptor]);
    expect(metadata(RETRY_ON_CONFLICT_KEY, 'create')).toBeUndefined();
  });

  it('with retryOnConflict, retries inside the idempotency interceptor: a retried request is still answered and stored once', () => {
    expect(metadata(IDEMPOTENT_KEY, 'book')).toBe(true);
    expect(metadata(INTERCEPTORS_METADATA, 'book')).toEqual([IdempotencyInterceptor, RetryOnConflictInterceptor]);
    expect(metadata(RETRY_ON_CONFLICT_KEY, 'book')).toEqual(DEFAULT_RETRY);
  });

  it('passes retry options on', () => {
    expect(metadata(RETRY_ON_CONFLICT_KEY, 'confirm')).toEqual({ ...DEFAULT_RETRY, attempts: 5 });
  });
});
