import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, ArrayUnique, IsArray, IsEnum } from 'class-validator';
import { ALL_ROLES, Role } from '../../../shared/auth/role.enum';

/** A list of distinct roles (may be empty: a user without roles can only see itself). */
export function IsRoleList(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayUnique(),
    ArrayMaxSize(ALL_ROLES.length),
    IsEnum(Role, { each: true }),
  );
}
