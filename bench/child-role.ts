import { fork, type ChildProcess } from 'node:child_process';

/** Runs `file` again in a child process, in the role its arguments name. */
export function forkRole(file: string, ...args: string[]): ChildProcess {
  return fork(file, args, { execArgv: ['-r', 'ts-node/register/transpile-only'] });
}

/** The next message the child sends (its port, or that it is ready). */
export function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) => child.once('message', (value) => resolve(value as T)));
}
