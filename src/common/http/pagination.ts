import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Type(() => Number)
  @Min(1)
  @Max(200)
  @IsInt()
  limit: number = 50;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @Type(() => Number)
  @Min(0)
  @Max(2_147_483_647)
  @IsInt()
  offset: number = 0;
}

/** A page of a list; the pagination interceptor sends `items` as the body and `total` as X-Total-Count. */
export class Page<T> {
  constructor(
    readonly items: T[],
    readonly total: number,
  ) {}
}
