import { isAbsolute } from 'node:path';
import { registerDecorator, type ValidationArguments } from 'class-validator';
import { DATASOURCE_TYPES } from '../datasource.types';
import { findPathProblem } from '../request-path';
import { FORBIDDEN_INJECTED_HEADERS } from '../http/header-rules';

/** Custom class-validator rules for datasource settings. */

function rule(
  name: string,
  message: string | ((args: ValidationArguments) => string),
  validate: (value: unknown, args: ValidationArguments) => boolean,
  each = false,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message, each },
      validator: { validate },
    });
}

const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export const IsHttpBaseUrl = (): PropertyDecorator =>
  rule(
    'isHttpBaseUrl',
    '$property must be an http:// or https:// URL without credentials, query or fragment',
    (value) => {
      if (typeof value !== 'string' || value.length > 2048) return false;
      try {
        const url = new URL(value);
        return (
          (url.protocol === 'http:' || url.protocol === 'https:') &&
          !url.username &&
          !url.password &&
          !url.search &&
          !url.hash &&
          !value.includes('?') &&
          !value.includes('#')
        );
      } catch {
        return false;
      }
    },
  );

export const IsPostgresUrl = (): PropertyDecorator =>
  rule('isPostgresUrl', '$property must be a postgres:// or postgresql:// URL', (value) => {
    if (typeof value !== 'string' || value.length > 2048) return false;
    if (!/^postgres(ql)?:\/\//.test(value)) return false;
    try {
      new URL(value);
      return true;
    } catch {
      return false;
    }
  });

export const IsPathPrefix = (): PropertyDecorator =>
  rule(
    'isPathPrefix',
    (args) =>
      `${args.property} entries must be plain paths starting with "/": ${findPathProblem(String(args.value)) ?? ''}`,
    (value) => typeof value === 'string' && findPathProblem(value) === undefined,
    true,
  );

export const IsAbsolutePath = (): PropertyDecorator =>
  rule(
    'isAbsolutePath',
    '$property must be an absolute path',
    (value) => typeof value === 'string' && isAbsolute(value) && !value.includes('\0'),
  );

export const IsHeaderMap = (): PropertyDecorator =>
  rule(
    'isHeaderMap',
    `$property must map header names to values (at most 50; no CR/LF/NUL; not ${[...FORBIDDEN_INJECTED_HEADERS].join(', ')})`,
    (value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const entries = Object.entries(value as Record<string, unknown>);
      return (
        entries.length <= 50 &&
        entries.every(
          ([name, headerValue]) =>
            HTTP_TOKEN.test(name) &&
            !FORBIDDEN_INJECTED_HEADERS.has(name.toLowerCase()) &&
            typeof headerValue === 'string' &&
            headerValue.length <= 8192 &&
            HEADER_VALUE.test(headerValue),
        )
      );
    },
  );

/** On `type`: exactly the settings object named by the type is present. */
export const HasSettingsForType = (): PropertyDecorator =>
  rule(
    'hasSettingsForType',
    'give exactly one settings object, named like the type ($value)',
    (value, args) => {
      const object = args.object as Record<string, unknown>;
      const present = DATASOURCE_TYPES.filter((type) => object[type] !== undefined);
      return present.length === 1 && present[0] === value;
    },
  );

/** On a list of objects with `name`: the names are unique. */
export const HasUniqueNames = (): PropertyDecorator =>
  rule('hasUniqueNames', '$property names must be unique', (value) => {
    if (!Array.isArray(value)) return true;
    const names = value.map((item: { name?: unknown }) => item?.name);
    return new Set(names).size === names.length;
  });

/** On `sql`: it uses exactly the placeholders $1..$n for the n declared params. */
export const UsesDeclaredPlaceholders = (): PropertyDecorator =>
  rule(
    'usesDeclaredPlaceholders',
    'sql must use exactly the placeholders $1..$n for its n declared params',
    (value, args) => {
      if (typeof value !== 'string') return false;
      const params = (args.object as { params?: unknown }).params;
      const declared = Array.isArray(params) ? params.length : 0;
      const used = new Set([...value.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
      const highest = Math.max(0, ...used);
      return highest === declared && used.size === declared;
    },
  );
