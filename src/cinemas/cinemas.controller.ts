import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Public } from '../common/decorators/auth.decorators';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { ApiProblems } from '../http/problems';
import { Idempotent } from '../idempotency/idempotent';
import { CinemaResponse, CreateCinemaDto, UpdateCinemaDto } from './cinema.dto';
import { CinemasService } from './cinemas.service';

@ApiTags('cinemas')
@Controller('cinemas')
export class CinemasController {
  constructor(private readonly cinemas: CinemasService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'The cinemas, each with its time zone (the web app shows every time in it); the first is the default one' })
  @ApiOkResponse({ type: CinemaResponse, isArray: true })
  list(): Promise<CinemaResponse[]> {
    return this.cinemas.list();
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'One cinema' })
  @ApiOkResponse({ type: CinemaResponse })
  @ApiProblems('VALIDATION_FAILED', 'CINEMA_NOT_FOUND')
  get(@Param('id', ParseIdPipe) id: number): Promise<CinemaResponse> {
    return this.cinemas.get(id);
  }

  @Auth('admin')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Add a cinema (admin)' })
  @ApiCreatedResponse({ type: CinemaResponse })
  @ApiProblems('VALIDATION_FAILED')
  create(@Body() dto: CreateCinemaDto): Promise<CinemaResponse> {
    return this.cinemas.create(dto);
  }

  @Auth('admin')
  @Idempotent()
  @Patch(':id')
  @ApiOperation({ summary: "Rename a cinema or change its time zone (admin); the default one follows CINEMA_NAME and CINEMA_TIME_ZONE again at the next start" })
  @ApiOkResponse({ type: CinemaResponse })
  @ApiProblems('VALIDATION_FAILED', 'CINEMA_NOT_FOUND')
  update(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateCinemaDto): Promise<CinemaResponse> {
    return this.cinemas.update(id, dto);
  }
}
