import { AppException } from '../../../shared/errors/app.exception';
import type { QueryParamSpec } from '../datasource.types';
import { DatasourceErrorCode } from '../datasource-error-code';

/** Caller JSON values checked against a named query's declared parameters. */

export interface ParamProblem {
  field: string;
  problems: string[];
}

type Coerced = { ok: true; value: unknown } | { ok: false; problem: string };

const INTEGER_TEXT = /^-?\d{1,20}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_STRING_LENGTH = 1_000_000;

function ok(value: unknown): Coerced {
  return { ok: true, value };
}

function fail(problem: string): Coerced {
  return { ok: false, problem };
}

function isCalendarDate(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day)
  );
}

function checkBounds(spec: QueryParamSpec, value: number | bigint): Coerced | undefined {
  if (spec.min !== undefined && value < spec.min) return fail(`must be >= ${spec.min}`);
  if (spec.max !== undefined && value > spec.max) return fail(`must be <= ${spec.max}`);
  return undefined;
}

function coerceByType(spec: QueryParamSpec, value: unknown): Coerced {
  switch (spec.type) {
    case 'string': {
      if (typeof value !== 'string') return fail('must be a string');
      const length = [...value].length;
      if (value.includes('\0')) return fail('must not contain NUL');
      if (spec.minLength !== undefined && length < spec.minLength)
        return fail(`must be at least ${spec.minLength} characters`);
      if (length > (spec.maxLength ?? MAX_STRING_LENGTH))
        return fail(`must be at most ${spec.maxLength ?? MAX_STRING_LENGTH} characters`);
      return ok(value);
    }
    case 'integer': {
      // Integers beyond 2^53 arrive as strings so JSON does not round them.
      if (typeof value === 'string' && INTEGER_TEXT.test(value)) {
        const big = BigInt(value);
        if (big > 9223372036854775807n || big < -9223372036854775808n)
          return fail('is out of the 64-bit range');
        return checkBounds(spec, big) ?? ok(value);
      }
      if (typeof value !== 'number' || !Number.isSafeInteger(value))
        return fail('must be an integer');
      return checkBounds(spec, value) ?? ok(value);
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail('must be a number');
      return checkBounds(spec, value) ?? ok(value);
    case 'boolean':
      return typeof value === 'boolean' ? ok(value) : fail('must be true or false');
    case 'date': {
      const match = typeof value === 'string' ? DATE.exec(value) : null;
      if (!match || !isCalendarDate(match[1], match[2], match[3]))
        return fail('must be a date (YYYY-MM-DD)');
      return ok(value);
    }
    case 'timestamp': {
      const match = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
      if (!match || !isCalendarDate(match[1], match[2], match[3]) || Number(match[4]) > 23)
        return fail('must be an ISO 8601 timestamp');
      if (Number(match[5]) > 59 || Number(match[7] ?? 0) > 59)
        return fail('must be an ISO 8601 timestamp');
      return ok(value);
    }
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? ok(value) : fail('must be a UUID');
  }
}

/** One value checked against its declaration (type, bounds, length, enum). */
export function coerceParam(spec: QueryParamSpec, value: unknown): Coerced {
  const coerced = coerceByType(spec, value);
  if (coerced.ok && spec.enum && !spec.enum.some((allowed) => allowed === value)) {
    return fail(`must be one of ${spec.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  return coerced;
}

/**
 * The positional values for $1..$n from a caller's JSON object of values by name. Missing
 * optional parameters take their default or null; unknown names are refused.
 */
export function bindParams(specs: readonly QueryParamSpec[], input: unknown): unknown[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidParameters('Parameters must be a JSON object of values by name', []);
  }
  const given = input as Record<string, unknown>;
  const problems: ParamProblem[] = [];
  const declared = new Set(specs.map((spec) => spec.name));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) problems.push({ field: name, problems: ['is not a parameter'] });
  }
  const values = specs.map((spec) => {
    const value = given[spec.name];
    if (value === undefined || value === null) {
      if (spec.default !== undefined) return spec.default;
      if (spec.required) problems.push({ field: spec.name, problems: ['is required'] });
      return null;
    }
    const coerced = coerceParam(spec, value);
    if (!coerced.ok) problems.push({ field: spec.name, problems: [coerced.problem] });
    return coerced.ok ? coerced.value : null;
  });
  if (problems.length > 0) {
    const summary = problems.map((p) => `${p.field} ${p.problems.join(', ')}`).join('; ');
    throw invalidParameters(`Invalid parameters: ${summary}`, problems);
  }
  return values;
}

function invalidParameters(message: string, details: ParamProblem[]): AppException {
  return new AppException(DatasourceErrorCode.InvalidParameters, message, 400, details);
}
