import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModulesContainer } from '@nestjs/core';
import { runFailingProfile, spawnProfile, type ProfileProcess } from './utils/spawn-profile';
import { startAgent, startRelay } from './utils/test-apps';

const PROBE = join(__dirname, 'utils', 'loaded-modules-probe.js');

describe.each(['relay', 'agent'] as const)('%s process', (profile) => {
  const other = profile === 'relay' ? 'agent' : 'relay';
  let running: ProfileProcess | undefined;

  afterEach(async () => {
    await running?.release();
    running = undefined;
  });

  it('serves /healthz and /readyz, loads no code of the other profile, exits 0 on SIGTERM', async () => {
    const probeFile = join(tmpdir(), `ib-probe-${profile}-${process.pid}.json`);
    running = await spawnProfile(profile, {
      nodeArgs: ['--require', PROBE],
      env: { MODULE_PROBE_FILE: probeFile },
    });
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    // An agent with no relay configured is alive but not ready.
    expect((await fetch(`${running.url}/readyz`)).status).toBe(profile === 'relay' ? 200 : 503);

    expect(await running.stop('SIGTERM')).toBe(0);
    const loaded: string[] = JSON.parse(await readFile(probeFile, 'utf8'));
    expect(loaded.some((file) => file.includes(`/dist/src/${profile}/`))).toBe(true);
    expect(loaded.filter((file) => file.includes(`/dist/src/${other}/`))).toEqual([]);
    expect(running.logs.some((line) => line.msg === 'stopped')).toBe(true);
  });

  it('finishes an in-flight request after SIGTERM, refuses new connections, then exits 0', async () => {
    running = await spawnProfile(profile);
    const { port } = new URL(running.url);
    // A request whose body is still arriving counts as in flight.
    const slow = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/healthz',
      headers: { 'content-type': 'application/json', 'content-length': '11' },
    });
    const answered = new Promise<number>((resolve, reject) => {
      slow.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      slow.on('error', reject);
    });
    slow.write('{"a":');
    await new Promise((resolve) => setTimeout(resolve, 200));

    running.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
    slow.end('"bcd"}');

    expect(await answered).toBe(404);
    expect(await running.exited).toBe(0);
  });

  it('cuts requests still running when SHUTDOWN_TIMEOUT_MS expires, and exits 0', async () => {
    running = await spawnProfile(profile, { env: { SHUTDOWN_TIMEOUT_MS: '300' } });
    const { port } = new URL(running.url);
    const stuck = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/healthz',
      headers: { 'content-type': 'application/json', 'content-length': '100' },
    });
    const failed = new Promise<string>((resolve) => stuck.on('error', (e) => resolve(e.message)));
    stuck.write('{');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await failed).toMatch(/socket hang up|ECONNRESET/);
  });

  it(`refuses to start on bad configuration, naming every bad variable`, async () => {
    const { code, stderr } = await runFailingProfile(profile, {
      PORT: 'eighty',
      LOG_LEVEL: 'shouting',
      DATABASE_URL: 'mysql://root:hunter2@db/x',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('LOG_LEVEL');
    expect(stderr).toContain('DATABASE_URL');
    expect(stderr).not.toContain('hunter2');
  });
});

it('refuses to start without a known APP_PROFILE', async () => {
  const { code, stderr } = await runFailingProfile('gateway' as 'relay', {});
  expect(code).toBe(1);
  expect(stderr).toContain('APP_PROFILE');
});

it('refuses to start the relay in production with the example JWT secret', async () => {
  const { code, stderr } = await runFailingProfile('relay', {
    NODE_ENV: 'production',
    JWT_SECRET: 'change-me',
  });
  expect(code).toBe(1);
  expect(stderr).toContain('JWT_SECRET');
  expect(stderr).not.toContain('change-me');
});

/** Names of the Nest module classes declared in a profile's source folder. */
async function moduleClassesOf(profile: 'relay' | 'agent'): Promise<Set<string>> {
  const root = join(__dirname, '..', 'src', profile);
  const files = (await readdir(root, { recursive: true })).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'),
  );
  const names = new Set<string>();
  for (const file of files) {
    const source = await readFile(join(root, file), 'utf8');
    for (const match of source.matchAll(/export class (\w+Module)\b/g)) names.add(match[1]);
  }
  return names;
}

describe('module isolation inside one process', () => {
  it.each([
    ['relay', startRelay, 'agent'],
    ['agent', startAgent, 'relay'],
  ] as const)(
    'the %s app instantiates no module of the other profile',
    async (profile, start, other) => {
      // A name both profiles declare (none today) would be ambiguous, so it is not judged.
      const own = await moduleClassesOf(profile);
      const foreignNames = [...(await moduleClassesOf(other))].filter((name) => !own.has(name));
      expect(foreignNames.length).toBeGreaterThan(0);
      const running = await start();
      try {
        const names = [...running.app.get(ModulesContainer).values()].map((m) => m.metatype.name);
        expect(names.length).toBeGreaterThan(3);
        expect(names.filter((name) => foreignNames.includes(name))).toEqual([]);
      } finally {
        await running.close();
      }
    },
  );
});
