import {
  redactDatabaseUrl,
  redactHttp,
  restoreHeaderSecrets,
  restoreUrlSecrets,
} from './datasource-secrets';

describe('datasource secrets', () => {
  it('shows header names only', () => {
    const redacted = redactHttp({
      baseUrl: 'http://x',
      allowedMethods: ['GET'],
      allowedPathPrefixes: ['/'],
      injectHeaders: { 'X-Api-Key': 'k', Authorization: 'Bearer t' },
      timeoutMs: 1,
      maxBodyBytes: 1,
      tls: { rejectUnauthorized: true },
    });
    expect(redacted.injectHeaders).toEqual({ 'X-Api-Key': '***', Authorization: '***' });
  });

  it('hides database passwords in user info and parameters', () => {
    expect(redactDatabaseUrl('postgres://reader:s3cr%40t@db.intranet:5432/sales')).toBe(
      'postgres://reader:***@db.intranet:5432/sales',
    );
    expect(redactDatabaseUrl('postgres://db/sales?user=r&password=pw&sslmode=require')).toBe(
      'postgres://db/sales?user=r&password=***&sslmode=require',
    );
    expect(redactDatabaseUrl('postgres://reader@db/sales')).toBe('postgres://reader@db/sales');
    expect(redactDatabaseUrl('not a url')).toBe('***');
  });

  it('keeps stored secrets where the redaction marker comes back', () => {
    expect(
      restoreHeaderSecrets({ 'x-api-key': '***', 'X-New': 'n' }, { 'X-Api-Key': 'old' }),
    ).toEqual({ 'x-api-key': 'old', 'X-New': 'n' });
    expect(
      restoreUrlSecrets('postgres://reader:***@db2/sales', 'postgres://reader:pw@db/sales'),
    ).toBe('postgres://reader:pw@db2/sales');
    expect(restoreUrlSecrets('postgres://u:new@db/s', 'postgres://u:pw@db/s')).toBe(
      'postgres://u:new@db/s',
    );
  });
});
