import { cleanText, isSecretField, REDACTED, redactSecrets } from './audit-redaction';

describe('audit redaction', () => {
  it('recognises secret fields and leaves ids alone', () => {
    for (const name of [
      'password',
      'newPassword',
      'passwordHash',
      'secret',
      'secretHash',
      'token',
      'accessToken',
      'refresh_token',
      'key',
      'apiKey',
      'keyHash',
      'authorization',
      'Cookie',
    ]) {
      expect([name, isSecretField(name)]).toEqual([name, true]);
    }
    for (const name of [
      'apiKeyId',
      'keyPrefix',
      'prefix',
      'tokenGeneration',
      'passwordChangedAt',
      'name',
      'userId',
    ]) {
      expect([name, isSecretField(name)]).toEqual([name, false]);
    }
  });

  it('redacts at any depth and keeps the rest', () => {
    const input = {
      name: 'agent-1',
      after: { id: 'a1', secret: 'S3CRET', nested: [{ password: 'hunter2', ok: 1 }] },
      when: new Date('2026-01-01T00:00:00Z'),
      skip: undefined,
    };
    expect(redactSecrets(input)).toEqual({
      name: 'agent-1',
      after: { id: 'a1', secret: REDACTED, nested: [{ password: REDACTED, ok: 1 }] },
      when: '2026-01-01T00:00:00.000Z',
    });
    expect(JSON.stringify(redactSecrets(input))).not.toMatch(/S3CRET|hunter2/);
  });

  it('produces text PostgreSQL stores unchanged', () => {
    expect(cleanText('a\u0000b')).toBe('ab');
    expect(cleanText('x\uD800y')).toBe('x\uFFFDy');
    expect(cleanText('ok \uD83D\uDE00')).toBe('ok \uD83D\uDE00');
  });

  it('bounds depth and size', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(JSON.stringify(redactSecrets(deep))).toContain('[nested too deep]');
    expect((redactSecrets('x'.repeat(5000)) as string).length).toBeLessThan(2100);
  });
});
