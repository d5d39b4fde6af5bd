import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Public } from '../common/decorators/auth.decorators';
import { ApiProblems } from '../common/http/api-problem';
import { Paginated } from '../common/interceptors/pagination.interceptor';
import { Page } from '../common/http/pagination';
import { RetryOnConflict } from '../common/interceptors/retry-on-conflict.interceptor';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { CreateMovieDto, MovieListQuery, MovieResponse, UpdateMovieDto } from './dto/movie.dto';
import { MoviesService } from './movies.service';

@ApiTags('movies')
@Controller('movies')
export class MoviesController {
  constructor(private readonly movies: MoviesService) {}

  @Public()
  @Paginated()
  @Get()
  @ApiOperation({ summary: 'List movies (X-Total-Count header gives the full count)' })
  @ApiProblems([400, 'VALIDATION_FAILED'])
  list(@Query() query: MovieListQuery): Promise<Page<MovieResponse>> {
    return this.movies.list(query);
  }

  @Public()
  @Get(':id')
  @ApiProblems([400, 'VALIDATION_FAILED'], [404, 'MOVIE_NOT_FOUND'])
  get(@Param('id', ParseIdPipe) id: number): Promise<MovieResponse> {
    return this.movies.get(id);
  }

  @Auth('admin')
  @Post()
  @ApiProblems([400, 'VALIDATION_FAILED'])
  create(@Body() dto: CreateMovieDto): Promise<MovieResponse> {
    return this.movies.create(dto);
  }

  @Auth('admin')
  @RetryOnConflict()
  @Patch(':id')
  @ApiProblems([400, 'VALIDATION_FAILED'], [404, 'MOVIE_NOT_FOUND'], [409, 'SCREEN_BUSY'])
  update(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateMovieDto): Promise<MovieResponse> {
    return this.movies.update(id, dto);
  }

  @Auth('admin')
  @RetryOnConflict()
  @Delete(':id')
  @HttpCode(204)
  @ApiProblems([404, 'MOVIE_NOT_FOUND'], [409, 'MOVIE_HAS_SHOWS'])
  remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.movies.remove(id);
  }
}
