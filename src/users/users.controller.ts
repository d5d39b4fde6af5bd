import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../common/decorators/auth.decorators';
import { Paginated } from '../common/http/paginated';
import { Page } from '../common/http/pagination';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { ApiProblems } from '../http/problems';
import { Idempotent } from '../idempotency/idempotent';
import { AccountResponse, UpdateUserDto, UserListQuery } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Auth('admin')
  @Paginated(AccountResponse)
  @Get()
  @ApiOperation({ summary: 'Find accounts (admin): ?search= matches the username or the e-mail address (X-Total-Count header gives the full count)' })
  @ApiProblems('VALIDATION_FAILED')
  list(@Query() query: UserListQuery): Promise<Page<AccountResponse>> {
    return this.users.list(query);
  }

  @Auth('admin')
  @Idempotent({ retryOnConflict: true })
  @Patch(':id')
  @ApiOperation({ summary: "Give an account a role (admin); a change ends the account's sessions, so it logs in again with the new role" })
  @ApiOkResponse({ type: AccountResponse })
  @ApiProblems('VALIDATION_FAILED', 'USER_NOT_FOUND')
  update(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateUserDto): Promise<AccountResponse> {
    return this.users.setRole(id, dto.role);
  }
}
