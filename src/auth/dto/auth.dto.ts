import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { Role, ROLES } from '../../common/decorators/auth.decorators';
import { normalizeUsername, USERNAME_MAX, USERNAME_MIN, usernameProblem } from '../../users/username';

/** A username the service will give out (see src/users/username.ts); the message says why not. */
const IsUsername = () =>
  ValidateBy({
    name: 'isUsername',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && usernameProblem(value) === undefined,
      defaultMessage: (args) => (typeof args?.value === 'string' ? (usernameProblem(args.value) ?? '') : 'username must be a string'),
    },
  });

@ApiSchema({ name: 'Signup' })
export class SignupDto {
  @ApiProperty({
    example: 'José',
    minLength: USERNAME_MIN,
    maxLength: USERNAME_MAX,
    description:
      'Letters and digits of one script, or of Latin with Han and kana, Han and Bopomofo, or Han and Hangul (UTS #39 highly restrictive), and @ . + - _; ' +
      'no invisible characters; stored NFKC-normalised, ' +
      'unique whatever its case or width.',
  })
  @IsUsername()
  @IsString()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeUsername(value) : value))
  username: string;

  @ApiProperty({ format: 'email', example: 'john@example.com', maxLength: 254 })
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @IsString()
  email: string;

  @ApiProperty({ example: 'password123', minLength: 8, maxLength: 128, writeOnly: true })
  @Length(8, 128)
  @IsString()
  password: string;
}

@ApiSchema({ name: 'Login' })
export class LoginDto {
  @ApiProperty({ example: 'john_doe' })
  @MinLength(1)
  @MaxLength(150)
  @IsString()
  username: string;

  @ApiProperty({ example: 'password123', writeOnly: true })
  @MinLength(1)
  @MaxLength(128)
  @IsString()
  password: string;
}

@ApiSchema({ name: 'RefreshRequest' })
export class RefreshDto {
  @ApiProperty({ description: 'A refresh token from /login/ or /login/refresh/' })
  @MinLength(1)
  @MaxLength(4096)
  @IsString()
  refresh: string;
}

@ApiSchema({ name: 'User' })
export class UserResponse {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty({ example: 'john_doe' }) username: string;
  @ApiProperty({ format: 'email', example: 'john@example.com' }) email: string;
}

@ApiSchema({ name: 'Me' })
export class MeResponse extends UserResponse {
  @ApiProperty({ enum: ROLES, example: 'customer' }) role: Role;
}

@ApiSchema({ name: 'TokenPair' })
export class TokenPairResponse {
  @ApiProperty({ description: 'Access token (Bearer), lives JWT_ACCESS_TTL_SECONDS', example: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2lnbmF0dXJl' }) access: string;
  @ApiProperty({ description: 'Refresh token, single use, lives JWT_REFRESH_TTL_SECONDS', example: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2lnbmF0dXJl' })
  refresh: string;
}
