import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Public } from '../common/decorators/auth.decorators';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { ApiProblems } from '../http/problems';
import { Idempotent } from '../idempotency/idempotent';
import { CreateScreenDto, ScreenListQuery, ScreenResponse, UpdateScreenDto } from './screen.dto';
import { ScreensService } from './screens.service';

@ApiTags('screens')
@Controller('screens')
export class ScreensController {
  constructor(private readonly screens: ScreensService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: "The screens with their seat plans, of one cinema or of all" })
  @ApiOkResponse({ type: ScreenResponse, isArray: true })
  @ApiProblems('VALIDATION_FAILED')
  list(@Query() query: ScreenListQuery): Promise<ScreenResponse[]> {
    return this.screens.list(query.cinema_id);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'One screen with its seat plan' })
  @ApiOkResponse({ type: ScreenResponse })
  @ApiProblems('VALIDATION_FAILED', 'SCREEN_NOT_FOUND')
  get(@Param('id', ParseIdPipe) id: number): Promise<ScreenResponse> {
    return this.screens.get(id);
  }

  @Auth('admin')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Add a screen with its seat plan (admin)' })
  @ApiCreatedResponse({ type: ScreenResponse })
  @ApiProblems('VALIDATION_FAILED', 'CINEMA_NOT_FOUND', 'SCREEN_NAME_TAKEN')
  create(@Body() dto: CreateScreenDto): Promise<ScreenResponse> {
    return this.screens.create(dto);
  }

  @Auth('admin')
  @Idempotent({ retryOnConflict: true })
  @Patch(':id')
  @ApiOperation({ summary: 'Rename a screen, change its turnaround, or its plan while no show still to come has booked or held seats (admin)' })
  @ApiOkResponse({ type: ScreenResponse })
  @ApiProblems('VALIDATION_FAILED', 'SCREEN_NOT_FOUND', 'SCREEN_NAME_TAKEN', 'SCREEN_IN_USE', 'SCREEN_BUSY')
  update(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateScreenDto): Promise<ScreenResponse> {
    return this.screens.update(id, dto);
  }

  @Auth('admin')
  @Idempotent({ retryOnConflict: true })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a screen no show was ever on (admin)' })
  @ApiNoContentResponse()
  @ApiProblems('VALIDATION_FAILED', 'SCREEN_NOT_FOUND', 'SCREEN_IN_USE')
  remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.screens.remove(id);
  }
}
