import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { Role } from '../../../shared/auth/role.enum';
import { IsNewPassword } from './password';
import { IsRoleList } from './roles-field';
import { IsUsername } from './username';

export class CreateUserDto {
  @IsUsername()
  username: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'Alice Example' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;

  @IsNewPassword()
  password: string;

  @ApiProperty({ enum: Role, isArray: true, example: [Role.Client] })
  @IsRoleList()
  roles: Role[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
