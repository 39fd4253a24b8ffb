import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawEnv } from '../../src/shared/config/load-config';
import { spawnProfile, type ProfileProcess } from '../utils/spawn-profile';
import { selfSignedCertificate } from '../utils/self-signed-certificate';
import { provisionTestDatabase, type TestDatabase } from '../utils/test-database';

const ROOT = join(__dirname, '..', '..');

/** The Dockerfile's HEALTHCHECK command, as the image runs it (exec form). */
function dockerHealthcheck(): string[] {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const match = /^HEALTHCHECK [^\n]*\\\n\s*CMD (\[.*\])$/m.exec(dockerfile);
  if (!match) throw new Error('no HEALTHCHECK ... CMD [...] in the Dockerfile');
  return JSON.parse(match[1]) as string[];
}

/** Runs it in the build's folder with the container's environment; resolves its exit code. */
function runHealthcheck(command: string[], env: RawEnv): Promise<number | null> {
  const [program, ...args] = command;
  expect(program).toBe('node');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.once('exit', resolve));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function tlsFiles(dir: string): { TLS_CERT_FILE: string; TLS_KEY_FILE: string } {
  const { certFile, keyFile } = selfSignedCertificate(dir);
  return { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile };
}

describe('the image HEALTHCHECK', () => {
  const command = dockerHealthcheck();
  let database: TestDatabase;
  let dir: string;
  let running: ProfileProcess | undefined;

  beforeAll(async () => {
    database = await provisionTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'ib-health-'));
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  afterAll(async () => {
    await database?.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the compiled healthcheck, not an inline http:// fetch', () => {
    expect(command).toEqual(['node', 'dist/src/cli/healthcheck.js']);
  });

  it.each([
    ['over HTTP', false],
    ['over HTTPS when TLS_CERT_FILE is set (a certificate for another name)', true],
  ])('passes for a live relay %s and fails once it is gone', async (_label, tls) => {
    const env: RawEnv = {
      APP_PROFILE: 'relay',
      NODE_ENV: 'test',
      HOST: '0.0.0.0',
      PORT: String(await freePort()),
      ...database.env,
      ...(tls ? tlsFiles(dir) : {}),
    };
    running = await spawnProfile('relay', { database, env });
    expect(await runHealthcheck(command, env)).toBe(0);
    if (tls) {
      // What the image did before: plain HTTP to an HTTPS-only server fails.
      const fetchCheck = `fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
      expect(await runHealthcheck(['node', '-e', fetchCheck], env)).toBe(1);
    }
    await running.stop();
    running = undefined;
    expect(await runHealthcheck(command, env)).toBe(1);
  });

  it('passes for a live agent (its admin port)', async () => {
    const env: RawEnv = {
      APP_PROFILE: 'agent',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
    };
    // A database of its own (provisioned by spawnProfile), not the relay's.
    running = await spawnProfile('agent', { env });
    expect(await runHealthcheck(command, env)).toBe(0);
  });
});
