// Replays the Dockerfile's runtime stage without Docker: production dependencies only
// (`npm ci --omit=dev`), the build output and package.json in an empty folder, then starts
// each profile from there in production mode and checks /healthz, /readyz and a clean
// SIGTERM exit. A runtime dependency left in devDependencies, or a file the image lacks,
// fails here.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('..', import.meta.url).pathname;
const image = mkdtempSync(join(tmpdir(), 'ib-image-'));
// Like /app in the image. (Run as root here, the embedded PostgreSQL runs as the postgres
// account, which must pass through to the data folder.)
chmodSync(image, 0o755);

function step(message) {
  console.log(`replay-runtime: ${message}`);
}

async function checkProfile(profile, extraEnv) {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: image,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      APP_PROFILE: profile,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: join(image, 'data', profile),
      ...extraEnv,
    },
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
  for (const path of ['/healthz', '/readyz']) {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    if (response.status !== 200) throw new Error(`${profile} ${path} answered ${response.status}`);
  }
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`${profile} exited with ${code} after SIGTERM`);
  step(`${profile}: /healthz 200, /readyz 200, SIGTERM exit 0`);
}

try {
  step(`installing production dependencies into ${image}`);
  cpSync(join(root, 'package.json'), join(image, 'package.json'));
  cpSync(join(root, 'package-lock.json'), join(image, 'package-lock.json'));
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: image,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  cpSync(join(root, 'dist'), join(image, 'dist'), { recursive: true });
  await checkProfile('relay', { JWT_SECRET: randomBytes(32).toString('base64url') });
  await checkProfile('agent', { AGENT_ADMIN_TOKEN: randomBytes(32).toString('base64url') });
} finally {
  rmSync(image, { recursive: true, force: true });
}
