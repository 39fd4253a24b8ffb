import { parseArgs } from 'node:util';

/** Where a new password comes from: a flag, standard input, or generated (and printed). */
export type PasswordSource =
  { from: 'flag'; value: string } | { from: 'stdin' } | { from: 'generate' };

export type CliCommand =
  | {
      kind: 'create-user';
      username: string;
      roles: string[];
      displayName?: string;
      password: PasswordSource;
    }
  | { kind: 'reset-password'; username: string; password: PasswordSource }
  | { kind: 'create-agent'; name: string; description?: string; json: boolean }
  | { kind: 'help' };

/** A mistake in how the CLI was called (exit code 2, with the usage). */
export class UsageError extends Error {}

export const USAGE = `Usage: npm run relay -- <command> [options]

Commands (they use the relay's database directly; no HTTP API needed):
  create-user     --username <name> [--roles admin,operator,auditor,client]
                  [--display-name <text>] [--password <pw> | --password-stdin]
  reset-password  --username <name> [--password <pw> | --password-stdin]
                  (ends all of the user's sessions)
  create-agent    --name <name> [--description <text>] [--json]
                  (prints AGENT_ID=... and AGENT_SECRET=... lines for the agent's
                  environment file; --json: one JSON object {id, name, secret} instead)

Without --password or --password-stdin a password is generated and printed once.
Prefer --password-stdin: a password on the command line lands in shell history.
The other commands print their result to stdout as one JSON object. Every command first
names the database it works on, on stderr (DATABASE_URL's server, or the embedded one in
DATA_DIR: the relay's own server when it is running there).`;

const ALLOWED_OPTIONS: Record<string, string[]> = {
  'create-user': ['username', 'roles', 'display-name', 'password', 'password-stdin'],
  'reset-password': ['username', 'password', 'password-stdin'],
  'create-agent': ['name', 'description', 'json'],
};

/** Reads the command line (without the node and script arguments). */
export function parseCliCommand(args: string[]): CliCommand {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  if (values.help || positionals.length === 0 || positionals[0] === 'help') return { kind: 'help' };
  const [command, ...extra] = positionals;
  const allowed = ALLOWED_OPTIONS[command];
  if (!allowed) throw new UsageError(`Unknown command "${command}"`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`);
  const unexpected = Object.keys(values).filter((option) => !allowed.includes(option));
  if (unexpected.length > 0) {
    throw new UsageError(`${command} does not take --${unexpected.join(', --')}`);
  }
  switch (command) {
    case 'create-user':
      return {
        kind: 'create-user',
        username: required(values.username, 'username'),
        roles: (values.roles ?? '')
          .split(',')
          .map((role) => role.trim())
          .filter((role) => role.length > 0),
        displayName: values['display-name'],
        password: passwordSource(values),
      };
    case 'reset-password':
      return {
        kind: 'reset-password',
        username: required(values.username, 'username'),
        password: passwordSource(values),
      };
    default:
      return {
        kind: 'create-agent',
        name: required(values.name, 'name'),
        description: values.description,
        json: values.json ?? false,
      };
  }
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      username: { type: 'string' },
      roles: { type: 'string' },
      'display-name': { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      name: { type: 'string' },
      description: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${option} is required`);
  return value;
}

function passwordSource(values: { password?: string; 'password-stdin'?: boolean }): PasswordSource {
  if (values.password !== undefined && values['password-stdin']) {
    throw new UsageError('Give --password or --password-stdin, not both');
  }
  if (values.password !== undefined) return { from: 'flag', value: values.password };
  return values['password-stdin'] ? { from: 'stdin' } : { from: 'generate' };
}
