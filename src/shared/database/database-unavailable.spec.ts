import { QueryFailedError } from 'typeorm';
import { AppException } from '../errors/app.exception';
import {
  databaseUnavailable,
  isDatabaseUnavailable,
  withDatabaseOutage,
} from './database-unavailable';

function errno(code: string, syscall = 'connect'): Error {
  return Object.assign(new Error(`${syscall} ${code} 127.0.0.1:5432`), { code, syscall });
}

function sqlError(code: string): Error {
  return Object.assign(new Error('server says no'), { code });
}

function wrapped(driverError: Error): QueryFailedError {
  return new QueryFailedError('select 1', [], driverError);
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['connection refused', errno('ECONNREFUSED')],
    ['connection reset', errno('ECONNRESET', 'read')],
    ['unknown host', errno('ENOTFOUND', 'getaddrinfo')],
    ['missing Unix socket', errno('ENOENT')],
    [
      'every address refused',
      Object.assign(new AggregateError([errno('ECONNREFUSED')]), { code: 'ECONNREFUSED' }),
    ],
    ['terminated', new Error('Connection terminated unexpectedly')],
    ['pool connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pool acquire timeout', new Error('timeout exceeded when trying to connect')],
    ['admin shutdown (57P01) in a query', wrapped(sqlError('57P01'))],
    ['crash shutdown (57P02)', sqlError('57P02')],
    ['cannot connect now (57P03)', sqlError('57P03')],
    ['too many connections (53300)', sqlError('53300')],
    ['connection failure (08006)', sqlError('08006')],
    ['connection lost in a query', wrapped(new Error('Connection terminated unexpectedly'))],
    ['lost connection as a cause', new Error('outer', { cause: errno('ECONNRESET', 'read') })],
  ])('recognises %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', wrapped(sqlError('23505'))],
    ['a syntax error', wrapped(sqlError('42601'))],
    ['a statement timeout (57014)', wrapped(sqlError('57014'))],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a missing file', errno('ENOENT', 'open')],
    ['no error at all', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('leaves %s alone', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('stops on a cause cycle', () => {
    const error: Error & { cause?: unknown } = new Error('loop');
    error.cause = error;
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('withDatabaseOutage', () => {
  it('turns a lost database into 503 DATABASE_UNAVAILABLE with Retry-After', () => {
    const error = withDatabaseOutage(errno('ECONNREFUSED')) as AppException;
    expect(error.getStatus()).toBe(503);
    expect(error.code).toBe('DATABASE_UNAVAILABLE');
    expect(error.headers).toEqual({ 'Retry-After': '5' });
  });

  it('keeps coded errors and bugs as they are', () => {
    const coded = databaseUnavailable();
    const bug = new Error('bug');
    expect(withDatabaseOutage(coded)).toBe(coded);
    expect(withDatabaseOutage(bug)).toBe(bug);
  });
});
