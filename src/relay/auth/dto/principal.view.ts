import { ApiProperty } from '@nestjs/swagger';
import type { Principal } from '../../../shared/auth/principal';
import { Role } from '../../../shared/auth/role.enum';

/** The caller, as `GET /api/v1/auth/me` shows it. */
export class PrincipalView {
  @ApiProperty({ enum: ['user', 'apiKey'] })
  type: 'user' | 'apiKey';

  @ApiProperty({ format: 'uuid', description: 'The user id, or the API key id' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'The user, or the API key owner' })
  userId: string;

  @ApiProperty({ description: 'The username, or the API key name' })
  name: string;

  @ApiProperty({ enum: Role, isArray: true })
  roles: Role[];
}

export function toPrincipalView(principal: Principal): PrincipalView {
  const { type, id, userId, name, roles } = principal;
  return { type, id, userId, name, roles: [...roles] };
}
