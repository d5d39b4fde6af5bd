import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';
import { Page } from '../http/pagination';

@Injectable()
export class PaginationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof Page)) return result;
        context.switchToHttp().getResponse<FastifyReply>().header('x-total-count', String(result.total));
        return result.items;
      }),
    );
  }
}

/** A list route of `item`s: its `Page` result goes out as a JSON array with the full count in X-Total-Count. */
export const Paginated = (item: new () => object) =>
  applyDecorators(
    UseInterceptors(PaginationInterceptor),
    ApiOkResponse({
      type: [item],
      description: 'One page of the list (?limit=, ?offset=)',
      headers: { 'X-Total-Count': { description: 'How many items the whole list has', schema: { type: 'integer', minimum: 0 } } },
    }),
  );
