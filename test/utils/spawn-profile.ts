import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RawEnv } from '../../src/shared/config/load-config';
import { provisionTestDatabase, type TestDatabase } from './test-database';

export const MAIN_JS = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/** A profile running as a real process from the build output (`npm run build` first). */
export interface ProfileProcess {
  child: ChildProcess;
  url: string;
  logs: Record<string, unknown>[];
  stderr: string[];
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  release(): Promise<void>;
}

export interface SpawnOptions {
  env?: RawEnv;
  nodeArgs?: string[];
  database?: TestDatabase;
  readyTimeoutMs?: number;
}

export async function spawnProfile(
  profile: 'relay' | 'agent',
  options: SpawnOptions = {},
): Promise<ProfileProcess> {
  const database = options.database ?? (await provisionTestDatabase());
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN_JS], {
    env: {
      PATH: process.env.PATH,
      APP_PROFILE: profile,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      ...database.env,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${profile} did not start: ${stderr.join('\n')}`));
    }, options.readyTimeoutMs ?? 30_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${profile} exited with ${code}: ${stderr.join('\n')}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = parseLogLine(line);
      logs.push(entry);
      if (entry.msg === 'listening' && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    logs,
    stderr,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    release: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      if (!options.database) await database.release();
    },
  };
}

/** Runs a profile expected to refuse to start; resolves with its exit code and stderr. */
export async function runFailingProfile(
  profile: 'relay' | 'agent',
  env: RawEnv,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { PATH: process.env.PATH, APP_PROFILE: profile, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

function parseLogLine(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { msg: line };
  }
}
