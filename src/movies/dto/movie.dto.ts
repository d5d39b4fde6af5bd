import { ApiProperty, ApiPropertyOptional, ApiSchema, PartialType } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../../common/http/pagination';

@ApiSchema({ name: 'CreateMovie' })
export class CreateMovieDto {
  @ApiProperty({ example: 'The Matrix', minLength: 1, maxLength: 200 })
  @Length(1, 200)
  @Matches(/\S/, { message: 'title must not be blank' })
  @IsString()
  title: string;

  @ApiProperty({ type: 'integer', example: 136, minimum: 1, maximum: 600 })
  @Min(1)
  @Max(600)
  @IsInt()
  duration_minutes: number;
}

/** Fields may be left out, not sent as null: a null would otherwise pass validation and be silently ignored. */
@ApiSchema({ name: 'UpdateMovie' })
export class UpdateMovieDto extends PartialType(CreateMovieDto, { skipNullProperties: false }) {}

export class MovieListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of the title', maxLength: 200 })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  search?: string;
}

@ApiSchema({ name: 'Movie' })
export class MovieResponse {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty({ example: 'The Matrix' }) title: string;
  @ApiProperty({ type: 'integer', example: 136 }) duration_minutes: number;
}
