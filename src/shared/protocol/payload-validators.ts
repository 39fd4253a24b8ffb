import {
  MAX_NEGOTIABLE_FRAME_SIZE,
  MAX_WINDOW_SIZE,
  MIN_NEGOTIABLE_FRAME_SIZE,
  PayloadLimit,
} from './protocol-limits';
import { ProtocolError, ProtocolErrorCode } from './protocol-error';
import { PROTOCOL_VERSION, isCompatible } from './protocol-version';
import { RESET_CODES, ResetCode } from './reset-code';
import {
  expectArray,
  expectBoolean,
  expectDisplayText,
  expectHeaders,
  expectIdentifier,
  expectIdentifierList,
  expectInteger,
  expectMatching,
  expectObject,
  expectOneOf,
  expectString,
  expectToken,
  fail,
} from './payload-schema';
import type {
  CatalogPayload,
  DatasourceCatalogEntry,
  DatasourceType,
  GoAwayPayload,
  HelloAckPayload,
  HelloPayload,
  OpenPayload,
  Principal,
  ResetPayload,
  ResponsePayload,
} from './frame.types';

/**
 * Each validator takes the output of JSON.parse and returns a payload rebuilt with only the
 * known fields: unknown fields from newer peers are dropped, and consumers always see objects
 * of one shape (which also keeps their property accesses monomorphic).
 */

/** Datasource names end up in relay URLs, so they are restricted to URL-safe slugs. */
export const DATASOURCE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Raw request path as Node's http client accepts it, minus '?' and '#'. */
const PATH_PATTERN = /^\/[\x21\x22\x24-\x3e\x40-\xff]*$/;
const QUERY_PATTERN = /^[\x21\x22\x24-\xff]*$/;
const UPPER_SNAKE_CODE = /^[A-Z][A-Z0-9_]*$/;

const DATASOURCE_TYPES: ReadonlySet<string> = new Set<DatasourceType>(['http', 'postgres', 'file']);
const PRINCIPAL_TYPES: ReadonlySet<string> = new Set<Principal['type']>(['user', 'apiKey']);
const MAX_VERSION_NUMBER = 0xffff;

export function validateHello(value: unknown): HelloPayload {
  const body = expectObject(value, 'payload');
  return {
    protocolVersion: expectCompatibleVersion(body.protocolVersion),
    agentVersion: expectIdentifier(body.agentVersion, 'agentVersion', PayloadLimit.VERSION_LENGTH),
    capabilities: expectIdentifierList(body.capabilities, 'capabilities'),
    catalog: validateCatalogEntries(body.catalog),
  };
}

export function validateHelloAck(value: unknown): HelloAckPayload {
  const body = expectObject(value, 'payload');
  return {
    protocolVersion: expectCompatibleVersion(body.protocolVersion),
    sessionId: expectIdentifier(body.sessionId, 'sessionId', PayloadLimit.ID_LENGTH),
    heartbeatIntervalMs: expectInteger(
      body.heartbeatIntervalMs,
      'heartbeatIntervalMs',
      1,
      PayloadLimit.MAX_TIMEOUT_MS,
    ),
    maxConcurrentStreams: expectInteger(
      body.maxConcurrentStreams,
      'maxConcurrentStreams',
      1,
      MAX_WINDOW_SIZE,
    ),
    initialWindow: expectInteger(body.initialWindow, 'initialWindow', 1, MAX_WINDOW_SIZE),
    maxFrameSize: expectInteger(
      body.maxFrameSize,
      'maxFrameSize',
      MIN_NEGOTIABLE_FRAME_SIZE,
      MAX_NEGOTIABLE_FRAME_SIZE,
    ),
  };
}

export function validateCatalog(value: unknown): CatalogPayload {
  const body = expectObject(value, 'payload');
  return { catalog: validateCatalogEntries(body.catalog) };
}

export function validateOpen(value: unknown): OpenPayload {
  const body = expectObject(value, 'payload');
  return {
    requestId: expectIdentifier(body.requestId, 'requestId', PayloadLimit.ID_LENGTH),
    datasource: expectDatasourceName(body.datasource),
    method: expectToken(body.method, 'method', PayloadLimit.METHOD_LENGTH),
    path: expectMatching(body.path, 'path', PayloadLimit.PATH_LENGTH, PATH_PATTERN),
    query: expectMatching(body.query, 'query', PayloadLimit.QUERY_LENGTH, QUERY_PATTERN),
    headers: expectHeaders(body.headers, 'headers'),
    principal: validatePrincipal(body.principal),
    timeoutMs: expectInteger(body.timeoutMs, 'timeoutMs', 1, PayloadLimit.MAX_TIMEOUT_MS),
    hasBody: expectBoolean(body.hasBody, 'hasBody'),
  };
}

export function validateResponse(value: unknown): ResponsePayload {
  const body = expectObject(value, 'payload');
  return {
    status: expectHttpStatus(body.status, 'status'),
    headers: expectHeaders(body.headers, 'headers'),
  };
}

export function validateReset(value: unknown): ResetPayload {
  const body = expectObject(value, 'payload');
  const payload: ResetPayload = {
    code: expectOneOf<ResetCode>(body.code, 'code', RESET_CODES),
    message: expectString(body.message, 'message', PayloadLimit.MESSAGE_LENGTH),
  };
  if (body.status !== undefined) payload.status = expectHttpStatus(body.status, 'status');
  return payload;
}

export function validateGoAway(value: unknown): GoAwayPayload {
  const body = expectObject(value, 'payload');
  return {
    code: expectMatching(body.code, 'code', PayloadLimit.CODE_LENGTH, UPPER_SNAKE_CODE),
    message: expectString(body.message, 'message', PayloadLimit.MESSAGE_LENGTH),
  };
}

/**
 * Checked before anything else so a peer speaking another version gets INCOMPATIBLE_VERSION
 * (close 4003) rather than a confusing shape error. Future versions must keep this field.
 */
function expectCompatibleVersion(value: unknown): number {
  const version = expectInteger(value, 'protocolVersion', 0, MAX_VERSION_NUMBER);
  if (!isCompatible(version)) {
    throw new ProtocolError(
      ProtocolErrorCode.INCOMPATIBLE_VERSION,
      `peer speaks protocol ${version}, this side speaks ${PROTOCOL_VERSION}`,
    );
  }
  return version;
}

function expectHttpStatus(value: unknown, label: string): number {
  return expectInteger(value, label, 100, 599);
}

function expectDatasourceName(value: unknown): string {
  return expectMatching(
    value,
    'datasource',
    PayloadLimit.DATASOURCE_NAME_LENGTH,
    DATASOURCE_NAME_PATTERN,
  );
}

function validatePrincipal(value: unknown): Principal {
  const body = expectObject(value, 'principal');
  return {
    type: expectOneOf<Principal['type']>(body.type, 'principal.type', PRINCIPAL_TYPES),
    id: expectIdentifier(body.id, 'principal.id', PayloadLimit.ID_LENGTH),
    name: expectDisplayText(body.name, 'principal.name', PayloadLimit.NAME_LENGTH),
  };
}

function validateCatalogEntries(value: unknown): DatasourceCatalogEntry[] {
  const items = expectArray(value, 'catalog', PayloadLimit.CATALOG_ENTRIES);
  const names = new Set<string>();
  const entries: DatasourceCatalogEntry[] = [];
  for (let i = 0; i < items.length; i++) {
    const entry = validateCatalogEntry(items[i]);
    if (names.has(entry.name)) fail('catalog has duplicate datasource names');
    names.add(entry.name);
    entries.push(entry);
  }
  return entries;
}

function validateCatalogEntry(value: unknown): DatasourceCatalogEntry {
  const body = expectObject(value, 'catalog entry');
  const entry: DatasourceCatalogEntry = {
    name: expectDatasourceName(body.name),
    type: expectOneOf<DatasourceType>(body.type, 'catalog entry type', DATASOURCE_TYPES),
    operations: expectIdentifierList(body.operations, 'catalog entry operations'),
  };
  if (body.description !== undefined) {
    entry.description = expectString(
      body.description,
      'catalog entry description',
      PayloadLimit.DESCRIPTION_LENGTH,
    );
  }
  return entry;
}
