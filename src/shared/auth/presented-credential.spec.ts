import { AppException } from '../errors/app.exception';
import { readPresentedCredential } from './presented-credential';

function failure(headers: Record<string, string | string[]>): AppException {
  try {
    readPresentedCredential(headers);
  } catch (error) {
    return error as AppException;
  }
  throw new Error('expected a failure');
}

describe('readPresentedCredential', () => {
  it('finds nothing without credentials', () => {
    expect(readPresentedCredential({})).toBeUndefined();
  });

  it('reads a bearer token, whatever the scheme case', () => {
    expect(readPresentedCredential({ authorization: 'Bearer abc.def' })).toEqual({
      source: 'authorization',
      value: 'abc.def',
    });
    expect(readPresentedCredential({ authorization: 'bearer   xyz' })?.value).toBe('xyz');
  });

  it('reads X-API-Key', () => {
    expect(readPresentedCredential({ 'x-api-key': ' ib_1 ' })).toEqual({
      source: 'x-api-key',
      value: 'ib_1',
    });
  });

  it.each([
    [{ authorization: 'Basic dXNlcjpwYXNz' }],
    [{ authorization: 'Bearer' }],
    [{ authorization: 'Bearer a b' }],
    [{ authorization: `Bearer ${'x'.repeat(5000)}` }],
    [{ 'x-api-key': '' }],
    [{ 'x-api-key': ['a', 'b'] }],
    [{ authorization: 'Bearer a', 'x-api-key': 'b' }],
  ])('refuses %p with 401 and a Bearer challenge', (headers) => {
    const error = failure(headers);
    expect(error.getStatus()).toBe(401);
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.headers?.['WWW-Authenticate']).toMatch(/^Bearer /);
  });
});
