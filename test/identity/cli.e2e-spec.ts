import { describeDatabase } from '../../src/shared/database/database-description';
import { provisionTestDatabase, type TestDatabase } from '../utils/test-database';
import { Api, login } from '../utils/identity';
import { runRelayCli } from '../utils/relay-cli';
import { spawnProfile } from '../utils/spawn-profile';

describe('relay CLI (npm run relay -- <command>)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await provisionTestDatabase();
  });
  afterAll(async () => {
    await database?.release();
  });

  const cli = (args: string[], stdin?: string) => runRelayCli(args, database.env, stdin);

  it('creates users and agents, resets passwords, all usable by the relay afterwards', async () => {
    const created = await cli(['create-user', '--username', 'Ops.Lead', '--roles', 'operator']);
    // Says which database it works on (never a password), on stderr: stdout stays the result.
    expect(created.stderr).toBe(`relay: database: ${describeDatabase(database.env)}\n`);
    expect(created.stderr).toMatch(
      /^relay: database: (embedded PostgreSQL in \/|PostgreSQL \S+:\d+\/)/,
    );
    const password = database.env.DATABASE_URL && new URL(database.env.DATABASE_URL).password;
    if (password) expect(created.stderr).not.toContain(password);
    expect(created.code).toBe(0);
    const user = JSON.parse(created.stdout);
    expect(user).toEqual({
      id: expect.any(String),
      username: 'ops.lead',
      roles: ['operator'],
      password: expect.stringMatching(/^[\w-]{24}$/),
    });

    const chosen = await cli(
      ['create-user', '--username', 'reader', '--roles', 'client', '--password-stdin'],
      'a password from stdin\n',
    );
    expect(chosen.code).toBe(0);
    expect(JSON.parse(chosen.stdout)).not.toHaveProperty('password');

    const agent = await cli(['create-agent', '--name', 'plant-9', '--description', 'Plant nine']);
    expect(agent.code).toBe(0);
    // Ready to paste into the agent's environment file, as the README says.
    expect(agent.stdout).toMatch(/^AGENT_ID=[\w-]+\nAGENT_SECRET=ibas_\S+\n$/);
    const credentials = {
      id: /^AGENT_ID=(.*)$/m.exec(agent.stdout)![1],
      secret: /^AGENT_SECRET=(.*)$/m.exec(agent.stdout)![1],
    };
    const asJson = await cli(['create-agent', '--name', 'plant-10', '--json']);
    expect(JSON.parse(asJson.stdout)).toEqual({
      id: expect.any(String),
      name: 'plant-10',
      secret: expect.stringMatching(/^ibas_/),
    });

    const reset = await cli(['reset-password', '--username', 'ops.lead']);
    expect(reset.code).toBe(0);
    const newPassword = JSON.parse(reset.stdout).password as string;
    expect(newPassword).not.toBe(user.password);

    // The embedded database admits one process at a time: the relay starts after the CLI.
    const relay = await spawnProfile('relay', { database });
    try {
      expect((await login(relay.url, 'ops.lead', user.password)).status).toBe(401);
      const session = await login(relay.url, 'ops.lead', newPassword);
      expect(session.status).toBe(200);
      expect((await login(relay.url, 'reader', 'a password from stdin')).status).toBe(200);
      const token = await new Api(relay.url).post('/api/v1/agents/token', {
        agentId: credentials.id,
        secret: credentials.secret,
      });
      expect(token.status).toBe(200);
      // The CLI-created users count: no first admin was bootstrapped behind them.
      expect(relay.logs.some((line) => String(line.msg).includes('first admin'))).toBe(false);
    } finally {
      await relay.stop();
    }
  });

  it('refuses what the API refuses, with exit code 1 and no stack trace', async () => {
    const weak = await cli(['create-user', '--username', 'weakling', '--password', 'short']);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password must be longer than or equal to 12 characters');
    const role = await cli(['create-user', '--username', 'someone', '--roles', 'root']);
    expect(role.code).toBe(1);
    expect(role.stderr).toContain('roles');
    const taken = await cli(['create-user', '--username', 'OPS.LEAD']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already taken');
    const unknown = await cli(['reset-password', '--username', 'nobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('User not found');
    for (const run of [weak, role, taken, unknown]) {
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('explains its usage, with exit code 2 on a bad command line', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('create-user');
    const bad = await cli(['drop-everything']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown command');
    expect(bad.stderr).toContain('Usage:');
  });
});
