import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { Role } from '../../../shared/auth/role.enum';
import { IsRoleList } from './roles-field';

/**
 * The only fields an admin may change. Anything else (id, username, password hash, token
 * generation...) is refused with 400 by the global whitelist, so nothing can be mass-assigned.
 */
export class UpdateUserDto {
  @ApiPropertyOptional({ type: String, maxLength: 200, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string | null;

  @ApiPropertyOptional({ enum: Role, isArray: true })
  @IsOptional()
  @IsRoleList()
  roles?: Role[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
