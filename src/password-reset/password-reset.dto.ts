import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';

@ApiSchema({ name: 'PasswordResetRequest' })
export class PasswordResetRequestDto {
  @ApiProperty({ format: 'email', example: 'john@example.com', maxLength: 254 })
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @IsString()
  email: string;
}

@ApiSchema({ name: 'PasswordResetConfirm' })
export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The code from the e-mail', example: 'q8v3nH1xW0...', maxLength: 100 })
  @Length(1, 100)
  @IsString()
  token: string;

  @ApiProperty({ example: 'new-password-123', minLength: 8, maxLength: 128, writeOnly: true })
  @Length(8, 128)
  @IsString()
  password: string;
}
