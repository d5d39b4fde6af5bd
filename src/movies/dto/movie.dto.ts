import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../../common/http/pagination';

export class CreateMovieDto {
  @ApiProperty({ example: 'The Matrix', minLength: 1, maxLength: 200 })
  @Length(1, 200)
  @Matches(/\S/, { message: 'title must not be blank' })
  @IsString()
  title: string;

  @ApiProperty({ example: 136, minimum: 1, maximum: 600 })
  @Min(1)
  @Max(600)
  @IsInt()
  duration_minutes: number;
}

/** Fields may be left out, not sent as null: a null would otherwise pass validation and be silently ignored. */
export class UpdateMovieDto extends PartialType(CreateMovieDto, { skipNullProperties: false }) {}

export class MovieListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of the title', maxLength: 200 })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  search?: string;
}

export class MovieResponse {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: 'The Matrix' }) title: string;
  @ApiProperty({ example: 136 }) duration_minutes: number;
}
