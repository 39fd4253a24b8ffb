import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Role } from '../../../shared/auth/role.enum';
import type { Page } from '../../../shared/dto/page-query.dto';
import type { UserEntity } from '../user.entity';

/** A user as the API shows it: never the password hash or token generation. */
export class UserView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'alice' })
  username: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  displayName: string | null;

  @ApiProperty({ enum: Role, isArray: true })
  roles: Role[];

  @ApiProperty()
  enabled: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  passwordChangedAt: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  lastLoginAt: string | null;
}

export class UserPageView implements Page<UserView> {
  @ApiProperty({ type: [UserView] })
  items: UserView[];

  @ApiProperty()
  total: number;

  @ApiProperty()
  limit: number;

  @ApiProperty()
  offset: number;
}

export function toUserView(user: UserEntity): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles,
    enabled: user.enabled,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    passwordChangedAt: user.passwordChangedAt.toISOString(),
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
  };
}
