import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Role, ROLES } from '../../common/decorators/auth.decorators';
import { PageQuery } from '../../common/http/pagination';

export class UserListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of the username or the e-mail address', maxLength: 254 })
  @IsOptional()
  @MaxLength(254)
  @IsString()
  search?: string;
}

@ApiSchema({ name: 'UpdateUser' })
export class UpdateUserDto {
  @ApiProperty({ enum: ROLES, example: 'staff', description: 'staff check tickets in; a change ends every session of the account' })
  @IsIn(ROLES)
  role: Role;
}

@ApiSchema({ name: 'Account' })
export class AccountResponse {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty({ example: 'john_doe' }) username: string;
  @ApiProperty({ format: 'email', example: 'john@example.com' }) email: string;
  @ApiProperty({ enum: ROLES, example: 'customer' }) role: Role;
}
