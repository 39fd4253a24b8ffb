import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';
import { Role } from '../../../shared/auth/role.enum';
import { PageQueryDto } from '../../../shared/dto/page-query.dto';
import { QueryBoolean } from '../../../shared/dto/query-boolean';

export class ListUsersQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Matches part of the username or display name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: Role })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  enabled?: boolean;
}
