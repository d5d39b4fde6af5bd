import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/auth.decorators';
import { ApiProblems } from '../http/problems';
import { ClientIp } from '../limits/client-ip';
import { RateLimited } from '../limits/rate-limits';
import { PasswordResetConfirmDto, PasswordResetRequestDto } from './password-reset.dto';
import { PasswordResetService } from './password-reset.service';

@ApiTags('auth')
@Public()
@Controller('password-reset')
export class PasswordResetController {
  constructor(private readonly resets: PasswordResetService) {}

  @Post()
  @HttpCode(202)
  @RateLimited('password-reset')
  @ApiOperation({ summary: 'E-mail a password-reset code to every account with this address (202 whether or not there is one)' })
  @ApiAcceptedResponse({ description: 'Accepted; a message goes to each account with this address, if any' })
  @ApiProblems('VALIDATION_FAILED')
  request(@Body() dto: PasswordResetRequestDto): Promise<void> {
    return this.resets.request(dto.email);
  }

  @Post('confirm')
  @HttpCode(204)
  @RateLimited('password-reset')
  @ApiOperation({ summary: 'Set a new password with the e-mailed code (once, within its time); ends every session of the account' })
  @ApiNoContentResponse({ description: 'The password is changed and every session of the account ended' })
  @ApiProblems('VALIDATION_FAILED', 'RESET_TOKEN_INVALID', 'RESET_TOKEN_USED', 'RESET_TOKEN_EXPIRED')
  confirm(@Body() dto: PasswordResetConfirmDto, @ClientIp() ip: string): Promise<void> {
    return this.resets.confirm(dto.token, dto.password, ip);
  }
}
