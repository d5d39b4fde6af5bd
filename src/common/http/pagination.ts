import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Query strings are text: only plain decimal digits become a number ("1e1", "0x10", "1.5" stay text and fail). */
export const decimalInteger = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value));

export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @decimalInteger()
  @Min(1)
  @Max(200)
  @IsInt()
  limit: number = 50;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2_147_483_647, default: 0 })
  @decimalInteger()
  @Min(0)
  @Max(2_147_483_647)
  @IsInt()
  offset: number = 0;
}

/** `?show_id=`: narrows a customer's list to one show. */
export class ShowFilterQuery extends PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 2_147_483_647, description: 'Only this show' })
  @decimalInteger()
  @IsOptional()
  @Min(1)
  @Max(2_147_483_647)
  @IsInt()
  show_id?: number;
}

/** A page of a list; pagedAnswers (paginated.ts) sends `items` as the body and `total` as X-Total-Count. */
export class Page<T> {
  constructor(
    readonly items: T[],
    readonly total: number,
  ) {}
}
