import { CallHandler, ExecutionContext, HttpStatus, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { catchError, from, mergeMap, Observable, of } from 'rxjs';
import { AuthUser } from '../common/decorators/auth.decorators';
import { AppError, ValidationFailedError } from '../common/errors/app-error';
import { problem } from '../common/filters/problem-details.filter';
import { Metrics } from '../metrics/metrics';
import { IdempotencyService, StoredResponse } from './idempotency.service';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
const STATE_CHANGING = new Set(['POST', 'PATCH', 'DELETE']);

/** JSON with object keys sorted, so {"a":1,"b":2} and {"b":2,"a":1} are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestHash(method: string, url: string, body: unknown): string {
  const path = url.split('?')[0].replace(/\/+$/, '') + (url.includes('?') ? `?${url.split('?')[1]}` : '');
  return createHash('sha256').update(`${method} ${path}\n${canonicalJson(body)}`).digest('hex');
}

/**
 * Makes every signed-in state-changing request safe to retry with an
 * Idempotency-Key: the first answer (success, or a 4xx that would repeat
 * anyway) is stored and replayed; a 5xx, or an error that says itself
 * transient (409 CONCURRENT_UPDATE, 429...), frees the key for another try.
 * Anonymous requests (signup, login) ignore the header: there is no user to
 * scope the key to, and a login's tokens must never be replayed to anyone.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly keys: IdempotencyService,
    private readonly reflector: Reflector,
    private readonly metrics: Metrics,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (key === undefined || !STATE_CHANGING.has(request.method) || !request.user) return next.handle();
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      throw ValidationFailedError.field('Idempotency-Key', 'must be 1 to 255 characters');
    }
    const user = request.user;
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const status = this.successStatus(context, request.method);
    return from(this.keys.claim(user.id, key, requestHash(request.method, request.url, request.body))).pipe(
      mergeMap((claim) => {
        if (!claim.owned) return this.replay(reply, claim.response);
        return next.handle().pipe(
          // Handler errors only: once the handler has succeeded, its change is committed and
          // the client gets its answer, even if storing that answer fails (see remember()).
          catchError(async (error: unknown) => {
            // A transient answer ("collided, try again") replayed for a day would make the retry useless.
            if (error instanceof AppError && error.status < 500 && !error.transient) {
              await this.remember(user.id, key, {
                status: error.status,
                body: problem(error.status, error.code, error.detail, error.extras),
              });
            } else {
              await this.keys.release(user.id, key).catch(() => undefined);
            }
            throw error;
          }),
          mergeMap(async (body: unknown) => {
            await this.remember(user.id, key, { status, body });
            return body;
          }),
        );
      }),
    );
  }

  /**
   * Stores the answer; if that fails the key stays "in progress" and is taken
   * over after a minute, when a retry runs again and meets its own committed
   * change (SEAT_TAKEN, ALREADY_CANCELLED), never a second booking of a seat.
   */
  private async remember(userId: number, key: string, response: StoredResponse): Promise<void> {
    try {
      await this.keys.complete(userId, key, response);
    } catch (error) {
      this.logger.error(`could not store the answer for an idempotency key: ${(error as Error).message}`);
    }
  }

  private replay(reply: FastifyReply, response: StoredResponse): Observable<unknown> {
    this.metrics.idempotencyReplays.inc();
    void reply.header(REPLAYED_HEADER, 'true');
    if (response.status >= 400) {
      const { status, code, detail, type: _type, title: _title, ...extras } = response.body as Record<string, unknown>;
      throw new AppError(status as number, code as string, detail as string, extras);
    }
    return of(response.body ?? undefined);
  }

  private successStatus(context: ExecutionContext, method: string): number {
    const declared = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler());
    return declared ?? (method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
  }
}
