import { ApiProperty } from '@nestjs/swagger';
import { ATTEMPT_SCOPES, type ThrottleLock } from '../login-throttle.service';

export class LoginLockView {
  @ApiProperty({ enum: ATTEMPT_SCOPES, description: 'user login or agent token exchange' })
  scope: string;

  @ApiProperty({ enum: ['name', 'address'] })
  kind: string;

  @ApiProperty({ description: 'The name (lower case) or address (IPv6: its /64) locked' })
  key: string;

  @ApiProperty()
  failures: number;

  @ApiProperty({ type: String, format: 'date-time' })
  lockedUntil: string;
}

export function toLoginLockView(lock: ThrottleLock): LoginLockView {
  return { ...lock, lockedUntil: lock.lockedUntil.toISOString() };
}
