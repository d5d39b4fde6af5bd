import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';

export class SignupDto {
  @ApiProperty({ example: 'john_doe', minLength: 3, maxLength: 150, pattern: '^[A-Za-z0-9@.+_-]+$' })
  @Length(3, 150)
  @Matches(/^[A-Za-z0-9@.+_-]+$/, { message: 'username may contain only letters, digits and @ . + - _' })
  @IsString()
  username: string;

  @ApiProperty({ example: 'john@example.com', maxLength: 254 })
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @IsString()
  email: string;

  @ApiProperty({ example: 'password123', minLength: 8, maxLength: 128, writeOnly: true })
  @Length(8, 128)
  @IsString()
  password: string;
}

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

export class RefreshDto {
  @ApiProperty({ description: 'A refresh token from /login/ or /login/refresh/' })
  @MinLength(1)
  @MaxLength(4096)
  @IsString()
  refresh: string;
}

export class UserResponse {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: 'john_doe' }) username: string;
  @ApiProperty({ example: 'john@example.com' }) email: string;
}

export class MeResponse extends UserResponse {
  @ApiProperty({ enum: ['customer', 'admin'] }) role: string;
}

export class TokenPairResponse {
  @ApiProperty({ description: 'Access token (Bearer), lives JWT_ACCESS_TTL_SECONDS' }) access: string;
  @ApiProperty({ description: 'Refresh token, single use, lives JWT_REFRESH_TTL_SECONDS' }) refresh: string;
}
