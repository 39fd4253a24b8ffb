import { parseCliCommand, UsageError } from './cli-command';

describe('parseCliCommand', () => {
  it('reads create-user with roles and a generated password by default', () => {
    expect(
      parseCliCommand(['create-user', '--username', 'ops', '--roles', 'operator, auditor']),
    ).toEqual({
      kind: 'create-user',
      username: 'ops',
      roles: ['operator', 'auditor'],
      displayName: undefined,
      password: { from: 'generate' },
    });
  });

  it('reads password sources', () => {
    const flag = parseCliCommand(['reset-password', '--username', 'a', '--password', 'p w']);
    expect(flag).toMatchObject({ password: { from: 'flag', value: 'p w' } });
    const stdin = parseCliCommand(['reset-password', '--username', 'a', '--password-stdin']);
    expect(stdin).toMatchObject({ password: { from: 'stdin' } });
  });

  it('reads create-agent', () => {
    expect(parseCliCommand(['create-agent', '--name', 'plant', '--description', 'x'])).toEqual({
      kind: 'create-agent',
      name: 'plant',
      description: 'x',
      json: false,
    });
    expect(parseCliCommand(['create-agent', '--name', 'plant', '--json'])).toMatchObject({
      json: true,
    });
  });

  it('answers help for no command, help or --help', () => {
    for (const args of [[], ['help'], ['create-user', '--help']]) {
      expect(parseCliCommand(args)).toEqual({ kind: 'help' });
    }
  });

  it.each([
    [['drop-tables']],
    [['create-user']],
    [['create-user', '--username', 'a', '--name', 'x']],
    [['create-user', '--username', 'a', '--password', 'x', '--password-stdin']],
    [['create-agent', '--name', 'a', 'extra']],
    [['create-agent', '--nmae', 'a']],
  ])('refuses %p with a usage error', (args) => {
    expect(() => parseCliCommand(args)).toThrow(UsageError);
  });
});
