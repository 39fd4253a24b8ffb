import { applyDecorators } from '@nestjs/common';
import { IsString, Matches } from 'class-validator';

export const AGENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** 1-64 characters of letters, digits, dot, dash or underscore; unique case-insensitively. */
export function IsAgentName(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(AGENT_NAME_PATTERN, {
      message: 'name must be 1-64 characters of letters, digits, dot, dash or underscore',
    }),
  );
}
