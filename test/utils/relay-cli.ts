import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { RawEnv } from '../../src/shared/config/load-config';

export const RELAY_CLI_JS = join(
  __dirname,
  '..',
  '..',
  'dist',
  'src',
  'relay',
  'cli',
  'relay-cli.js',
);

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the relay CLI from the build output (`npm run build` first), like `npm run relay --`. */
export async function runRelayCli(args: string[], env: RawEnv, stdin?: string): Promise<CliRun> {
  const child = spawn(process.execPath, [RELAY_CLI_JS, ...args], {
    env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin ?? '');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}
