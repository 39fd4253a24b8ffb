import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** Usernames are case-insensitive: stored and compared lower-case. */
export function lowerCase(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );
}

/** A new username: 3-64 characters of a-z, 0-9, dot, dash or underscore. */
export function IsUsername(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ example: 'alice', pattern: USERNAME_PATTERN.source }),
    lowerCase(),
    IsString(),
    Matches(USERNAME_PATTERN, {
      message: 'username must be 3-64 characters of a-z, 0-9, dot, dash or underscore',
    }),
  );
}
