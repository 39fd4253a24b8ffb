import { PayloadLimit } from './protocol-limits';
import { ProtocolError, ProtocolErrorCode } from './protocol-error';
import type { HttpHeaders } from './frame.types';

/**
 * Hand-written field checks for JSON payloads. They run on every OPEN/RESPONSE, so they avoid
 * closures, intermediate arrays and message formatting unless a check actually fails.
 */

export type JsonObject = Record<string, unknown>;

/** RFC 9110 token: header names and methods. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Mirrors Node's own header-value check, so anything accepted here can be passed to setHeader. */
const INVALID_HEADER_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
/** Printable ASCII without space: ids, versions, capability and operation names. */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHAR = /[\x00-\x1f\x7f]/;

export function isHttpToken(value: string): boolean {
  return HTTP_TOKEN.test(value);
}

/**
 * "__proto__" is a valid token but no real header; refusing it means a careless
 * Object.assign downstream can never swap a headers object's prototype.
 */
export function isValidHeaderName(name: string): boolean {
  return (
    name.length <= PayloadLimit.HEADER_NAME_LENGTH && HTTP_TOKEN.test(name) && name !== '__proto__'
  );
}

export function isValidHeaderValue(value: string): boolean {
  return value.length <= PayloadLimit.HEADER_VALUE_LENGTH && !INVALID_HEADER_VALUE_CHAR.test(value);
}

export function fail(message: string): never {
  throw new ProtocolError(ProtocolErrorCode.PROTOCOL_ERROR, message);
}

export function expectObject(value: unknown, label: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`${label} must be an object`);
  }
  return value as JsonObject;
}

export function expectString(
  value: unknown,
  label: string,
  maxLength: number,
  minLength = 0,
): string {
  if (typeof value !== 'string') fail(`${label} must be a string`);
  if (value.length < minLength || value.length > maxLength) {
    fail(`${label} length must be in ${minLength}..${maxLength}`);
  }
  return value;
}

export function expectMatching(
  value: unknown,
  label: string,
  maxLength: number,
  pattern: RegExp,
): string {
  const text = expectString(value, label, maxLength);
  if (!pattern.test(text)) fail(`${label} has invalid characters`);
  return text;
}

/** Short printable-ASCII identifier (1..maxLength chars, no spaces). */
export function expectIdentifier(value: unknown, label: string, maxLength: number): string {
  return expectMatching(value, label, maxLength, PRINTABLE_ASCII);
}

/** Human-readable single-line text; any Unicode except control characters. */
export function expectDisplayText(value: unknown, label: string, maxLength: number): string {
  const text = expectString(value, label, maxLength);
  if (CONTROL_CHAR.test(text)) fail(`${label} has control characters`);
  return text;
}

export function expectToken(value: unknown, label: string, maxLength: number): string {
  return expectMatching(value, label, maxLength, HTTP_TOKEN);
}

export function expectInteger(value: unknown, label: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${label} must be an integer in ${min}..${max}`);
  }
  return value;
}

export function expectBoolean(value: unknown, label: string): boolean {
  if (typeof value !== 'boolean') fail(`${label} must be a boolean`);
  return value;
}

export function expectArray(value: unknown, label: string, maxItems: number): unknown[] {
  if (!Array.isArray(value)) fail(`${label} must be an array`);
  if (value.length > maxItems) fail(`${label} has more than ${maxItems} items`);
  return value;
}

export function expectOneOf<T extends string>(
  value: unknown,
  label: string,
  allowed: ReadonlySet<string>,
): T {
  if (typeof value !== 'string' || !allowed.has(value)) fail(`${label} has an unknown value`);
  return value as T;
}

/** List of short identifiers (capabilities, operations). Returns the parsed array itself. */
export function expectIdentifierList(value: unknown, label: string): string[] {
  const items = expectArray(value, label, PayloadLimit.LIST_ITEMS);
  for (let i = 0; i < items.length; i++) {
    expectIdentifier(items[i], label, PayloadLimit.LIST_ITEM_LENGTH);
  }
  return items as string[];
}

/** Validates in place and returns the parsed object: copying would cost time for nothing. */
export function expectHeaders(value: unknown, label: string): HttpHeaders {
  const headers = expectObject(value, label);
  let count = 0;
  for (const name in headers) {
    if (!isValidHeaderName(name)) fail(`${label} has an invalid header name`);
    count += countHeaderValues(headers[name], label);
    if (count > PayloadLimit.HEADER_COUNT) {
      fail(`${label} has more than ${PayloadLimit.HEADER_COUNT} values`);
    }
  }
  return headers as HttpHeaders;
}

function countHeaderValues(value: unknown, label: string): number {
  if (typeof value === 'string') {
    expectHeaderValue(value, label);
    return 1;
  }
  // Empty arrays are refused so every header on the wire maps to at least one HTTP field line.
  if (!Array.isArray(value) || value.length === 0 || value.length > PayloadLimit.HEADER_COUNT) {
    fail(`${label} has an invalid header value`);
  }
  for (let i = 0; i < value.length; i++) expectHeaderValue(value[i], label);
  return value.length;
}

function expectHeaderValue(value: unknown, label: string): void {
  if (typeof value !== 'string' || !isValidHeaderValue(value)) {
    fail(`${label} has an invalid header value`);
  }
}
