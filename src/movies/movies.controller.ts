import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Public } from '../common/decorators/auth.decorators';
import { ApiProblems } from '../http/problems';
import { Paginated } from '../common/http/paginated';
import { Page } from '../common/http/pagination';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { CreateMovieDto, MovieListQuery, MovieResponse, UpdateMovieDto } from './dto/movie.dto';
import { MoviesService } from './movies.service';
import { Idempotent } from '../idempotency/idempotent';

@ApiTags('movies')
@Controller('movies')
export class MoviesController {
  constructor(private readonly movies: MoviesService) {}

  @Public()
  @Paginated(MovieResponse)
  @Get()
  @ApiOperation({ summary: 'List movies (X-Total-Count header gives the full count)' })
  @ApiProblems('VALIDATION_FAILED')
  list(@Query() query: MovieListQuery): Promise<Page<MovieResponse>> {
    return this.movies.list(query);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'One movie' })
  @ApiOkResponse({ type: MovieResponse })
  @ApiProblems('VALIDATION_FAILED', 'MOVIE_NOT_FOUND')
  get(@Param('id', ParseIdPipe) id: number): Promise<MovieResponse> {
    return this.movies.get(id);
  }

  @Auth('admin')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Add a movie (admin)' })
  @ApiCreatedResponse({ type: MovieResponse })
  @ApiProblems('VALIDATION_FAILED')
  create(@Body() dto: CreateMovieDto): Promise<MovieResponse> {
    return this.movies.create(dto);
  }

  @Auth('admin')
  @Idempotent({ retryOnConflict: true })
  @Patch(':id')
  @ApiOperation({ summary: 'Change a movie (admin); a new duration moves the end of its shows' })
  @ApiOkResponse({ type: MovieResponse })
  @ApiProblems('VALIDATION_FAILED', 'MOVIE_NOT_FOUND', 'SCREEN_BUSY')
  update(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateMovieDto): Promise<MovieResponse> {
    return this.movies.update(id, dto);
  }

  @Auth('admin')
  @Idempotent({ retryOnConflict: true })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a movie without shows (admin)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems('MOVIE_NOT_FOUND', 'MOVIE_HAS_SHOWS')
  remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.movies.remove(id);
  }
}
