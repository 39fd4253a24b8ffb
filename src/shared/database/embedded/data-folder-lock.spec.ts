import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataFolderInUseError,
  DataFolderLock,
  LOCK_FILE,
  processStartTicks,
} from './data-folder-lock';

describe('DataFolderLock', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'ib-lock-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const writeHolder = (holder: object) =>
    writeFileSync(
      join(folder, LOCK_FILE),
      JSON.stringify({ role: 'relay', since: 'then', ...holder }),
    );

  it('refuses a second holder, naming the folder, the pid and the role', () => {
    const first = new DataFolderLock(folder);
    first.acquire('relay');
    expect(() => new DataFolderLock(folder).acquire('agent')).toThrow(
      new RegExp(
        `^data folder ${folder} is in use by another process \\(pid ${process.pid}, relay, since `,
      ),
    );
    first.release();
    expect(existsSync(join(folder, LOCK_FILE))).toBe(false);
    new DataFolderLock(folder).acquire('agent');
  });

  it('takes over a lock whose process is gone (kill -9)', () => {
    writeHolder({ pid: 2 ** 22 + 17, startTicks: 1 });
    const lock = new DataFolderLock(folder);
    lock.acquire('relay');
    expect(JSON.parse(readFileSync(join(folder, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
      role: 'relay',
    });
    lock.release();
  });

  it('takes over a lock whose pid was reused by a process started at another time', () => {
    writeHolder({ pid: process.pid, startTicks: (processStartTicks(process.pid) ?? 0) + 1 });
    expect(new DataFolderLock(folder).currentHolder()).toBeUndefined();
  });

  it('takes over a lock file left half-written', () => {
    writeFileSync(join(folder, LOCK_FILE), '{"pid": 12');
    expect(() => new DataFolderLock(folder).acquire('relay')).not.toThrow();
  });

  it('reports a live holder with the error type callers print without a stack', () => {
    writeHolder({ pid: process.pid, startTicks: processStartTicks(process.pid) });
    expect(() => new DataFolderLock(folder).acquire('relay-cli')).toThrow(DataFolderInUseError);
  });
});
