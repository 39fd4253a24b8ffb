// Replays the Dockerfile's runtime stage without Docker: production dependencies only
// (`npm ci --omit=dev`), the build output without the demo (as the build stage leaves it)
// and package.json in an empty folder, then, from there, in production mode:
// - the compiled migration command migrates the relay's database (`migrate.js run`, `show`),
//   and the relay starts with MIGRATIONS_RUN=false on it;
// - the image's HEALTHCHECK command passes; the admin CLI registers an agent beside the
//   running relay, printing AGENT_ID/AGENT_SECRET lines;
// - the agent started with those lines connects (/readyz 200 only then);
// - both exit 0 on SIGTERM.
// A runtime dependency left in devDependencies, or a file the image lacks, fails here.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const root = new URL('..', import.meta.url).pathname;
const image = mkdtempSync(join(tmpdir(), 'ib-image-'));
// Like /app in the image. (Run as root here, the embedded PostgreSQL runs as the postgres
// account, which must pass through to the data folder.)
chmodSync(image, 0o755);

function step(message) {
  console.log(`replay-runtime: ${message}`);
}

function envOf(profile, extraEnv) {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    APP_PROFILE: profile,
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: join(image, 'data', profile),
    ...extraEnv,
  };
}

/** Runs a compiled command from the image folder; returns stdout, throws on a non-zero exit. */
function run(script, args, env) {
  return execFileSync(process.execPath, [script, ...args], {
    cwd: image,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function start(profile, env) {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: image,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${profile} did not start in 60 s`)), 60_000);
    exited.then((code) => reject(new Error(`${profile} exited early with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'listening') {
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        reject(new Error(`${profile} wrote a non-JSON log line in production: ${line}`));
      }
    });
  });
  const stop = async () => {
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`${profile} exited with ${code} after SIGTERM`);
  };
  return { port, stop };
}

async function status(url) {
  return (await fetch(url)).status;
}

async function waitForStatus(url, expected, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await status(url).catch((error) => error.message);
    if (last === expected) return;
    await sleep(200);
  }
  throw new Error(`${url} answered ${last}, not ${expected}, within ${timeoutMs} ms`);
}

/** The Dockerfile's HEALTHCHECK, run as the image runs it. */
function healthcheck(env) {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const [program, ...args] = JSON.parse(
    /^HEALTHCHECK [^\n]*\\\n\s*CMD (\[.*\])$/m.exec(dockerfile)[1],
  );
  if (program !== 'node') throw new Error(`unexpected HEALTHCHECK program ${program}`);
  run(args[0], args.slice(1), env);
}

try {
  step(`installing production dependencies into ${image}`);
  cpSync(join(root, 'package.json'), join(image, 'package.json'));
  cpSync(join(root, 'package-lock.json'), join(image, 'package-lock.json'));
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: image,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // As the Dockerfile's build stage: the build output without the demo.
  cpSync(join(root, 'dist'), join(image, 'dist'), { recursive: true });
  rmSync(join(image, 'dist', 'src', 'demo'), { recursive: true, force: true });
  if (existsSync(join(image, 'dist', 'src', 'demo'))) throw new Error('the demo is in the image');

  const relayEnv = envOf('relay', {
    JWT_SECRET: randomBytes(32).toString('base64url'),
    ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
  });
  const applied = run('dist/src/cli/migrate.js', ['run'], relayEnv);
  if (!/^applied /m.test(applied)) throw new Error(`migrate run applied nothing: ${applied}`);
  const shown = run('dist/src/cli/migrate.js', ['show'], relayEnv);
  if (!shown.endsWith('0 pending\n')) throw new Error(`migrate show after run: ${shown}`);
  step('relay: migrate.js run applied the migrations, show says 0 pending');

  const relay = await start('relay', { ...relayEnv, MIGRATIONS_RUN: 'false' });
  const relayUrl = `http://127.0.0.1:${relay.port}`;
  for (const path of ['/healthz', '/readyz']) {
    if ((await status(`${relayUrl}${path}`)) !== 200) throw new Error(`relay ${path} not 200`);
  }
  healthcheck({ ...relayEnv, PORT: String(relay.port) });
  step('relay: started with MIGRATIONS_RUN=false, /healthz and /readyz 200, HEALTHCHECK passes');

  const lines = run(
    'dist/src/relay/cli/relay-cli.js',
    ['create-agent', '--name', 'replay'],
    relayEnv,
  );
  const credentials = Object.fromEntries(
    lines
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );
  if (!credentials.AGENT_ID || !credentials.AGENT_SECRET) {
    throw new Error(`create-agent did not print AGENT_ID and AGENT_SECRET lines: ${lines}`);
  }
  step('relay CLI: create-agent beside the running relay printed AGENT_ID and AGENT_SECRET');

  const agentEnv = envOf('agent', {
    AGENT_ADMIN_TOKEN: randomBytes(32).toString('base64url'),
    RELAY_URL: relayUrl,
    ...credentials,
  });
  const agent = await start('agent', agentEnv);
  const agentUrl = `http://127.0.0.1:${agent.port}`;
  if ((await status(`${agentUrl}/healthz`)) !== 200) throw new Error('agent /healthz not 200');
  await waitForStatus(`${agentUrl}/readyz`, 200, 30_000);
  healthcheck({ ...agentEnv, PORT: String(agent.port) });
  step('agent: connected to the relay, /readyz 200, HEALTHCHECK passes');

  await agent.stop();
  await relay.stop();
  step('agent and relay: SIGTERM exit 0');
} finally {
  rmSync(image, { recursive: true, force: true });
}
