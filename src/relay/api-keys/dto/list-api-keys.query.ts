import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../../shared/dto/page-query.dto';
import { QueryBoolean } from '../../../shared/dto/query-boolean';

export class ListApiKeysQuery extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Admins: any user (unset: all users). Others: only yourself',
  })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ default: false, description: 'Include revoked keys' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  includeRevoked?: boolean;
}
