export { FrameFlag, FrameType } from './frame-type';
export type {
  CatalogFrame,
  CatalogPayload,
  DataFrame,
  DatasourceCatalogEntry,
  DatasourceType,
  EndFrame,
  Frame,
  GoAwayFrame,
  GoAwayPayload,
  HelloAckFrame,
  HelloAckPayload,
  HelloFrame,
  HelloPayload,
  HttpHeaders,
  OpenFrame,
  OpenPayload,
  PingFrame,
  PongFrame,
  Principal,
  ResetFrame,
  ResetPayload,
  ResponseFrame,
  ResponsePayload,
  WindowFrame,
} from './frame.types';
export {
  decodeFrame,
  encodeDataFrame,
  encodeEndFrame,
  encodeFrame,
  encodeWindowFrame,
  writeDataHeader,
} from './frame-codec';
export type { DecodeOptions } from './frame-codec';
export { ProtocolError, ProtocolErrorCode } from './protocol-error';
export type { ProtocolErrorOptions } from './protocol-error';
export { CloseCode } from './close-code';
export { ResetCode } from './reset-code';
export { PROTOCOL_VERSION, isCompatible } from './protocol-version';
export * from './protocol-limits';
export { isHttpToken, isValidHeaderName, isValidHeaderValue } from './payload-schema';
export { DATASOURCE_NAME_PATTERN } from './payload-validators';
export { ReceiveWindow, SendWindow } from './stream-window';
export { FrameBudget } from './frame-budget';
export type { FrameRate } from './frame-budget';
export { ERROR_CODE_HEADER, errorCodeOf } from './error-code-header';
