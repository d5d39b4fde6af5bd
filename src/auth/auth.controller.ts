import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthUser, CurrentUser, Public } from '../common/decorators/auth.decorators';
import { ApiProblems } from '../http/problems';
import { ClientIp } from '../limits/client-ip';
import { RateLimited } from '../limits/rate-limits';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import { LoginDto, MeResponse, RefreshDto, SignupDto, TokenPairResponse, UserResponse } from './dto/auth.dto';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @RateLimited('signup')
  @Post('signup')
  @ApiOperation({ summary: 'Create a customer account' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiProblems('VALIDATION_FAILED', 'USERNAME_TAKEN')
  async signup(@Body() dto: SignupDto, @ClientIp() ip: string): Promise<UserResponse> {
    const { id, username, email } = await this.users.create(dto.username, dto.email, dto.password, ip);
    return { id, username, email };
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange username and password for an access and a refresh token' })
  @ApiOkResponse({ type: TokenPairResponse, headers: { 'Cache-Control': { description: 'no-store', schema: { type: 'string' } } } })
  @ApiProblems('VALIDATION_FAILED', 'INVALID_CREDENTIALS')
  @Header('Cache-Control', 'no-store')
  login(@Body() dto: LoginDto, @ClientIp() ip: string): Promise<TokenPairResponse> {
    return this.auth.login(dto.username, dto.password, ip);
  }

  @Public()
  @Post('login/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate a refresh token: returns a new pair; the used refresh token stops working' })
  @ApiOkResponse({ type: TokenPairResponse, headers: { 'Cache-Control': { description: 'no-store', schema: { type: 'string' } } } })
  @ApiProblems('VALIDATION_FAILED', 'INVALID_REFRESH_TOKEN')
  @Header('Cache-Control', 'no-store')
  refresh(@Body() dto: RefreshDto): Promise<TokenPairResponse> {
    return this.auth.refresh(dto.refresh);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a refresh token' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems('VALIDATION_FAILED', 'INVALID_REFRESH_TOKEN')
  logout(@Body() dto: RefreshDto): Promise<void> {
    return this.auth.logout(dto.refresh);
  }

  @Auth()
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: MeResponse })
  @ApiProblems('USER_NOT_FOUND')
  async me(@CurrentUser() user: AuthUser): Promise<MeResponse> {
    const { id, username, email, role } = await this.users.findById(user.id);
    return { id, username, email, role };
  }
}
