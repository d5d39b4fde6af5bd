import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CinemaResponse, defaultCinema } from './cinema.dto';

@ApiTags('cinemas')
@Controller('cinemas')
export class CinemasController {
  private readonly cinemas: CinemaResponse[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.cinemas = [defaultCinema(config)];
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'The cinemas, each with its time zone (the web app shows every time in it)' })
  @ApiOkResponse({ type: CinemaResponse, isArray: true })
  list(): CinemaResponse[] {
    return this.cinemas;
  }
}
