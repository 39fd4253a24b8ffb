import 'reflect-metadata';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AppConfig } from '../shared/config/app.config';
import type { RawEnv } from '../shared/config/load-config';
import { loadConfig } from '../shared/config/load-config';
import { readEnvironment } from '../shared/config/read-environment';

const TIMEOUT_MS = 2_500;

/**
 * The images' HEALTHCHECK: GET /healthz of this container's own process, read from the same
 * configuration the process started with, so it follows PORT, HOST and TLS: with
 * TLS_CERT_FILE set the server speaks only HTTPS. Exit 0 when live, 1 otherwise (reason on
 * stderr, for `docker inspect`).
 */
async function main(): Promise<number> {
  const config = await configOf(readEnvironment());
  const tls = Boolean(config.TLS_CERT_FILE);
  const url = `${tls ? 'https' : 'http'}://${loopbackHost(config.HOST)}:${config.PORT}/healthz`;
  const status = await new Promise<number>((resolve, reject) => {
    const send = tls ? httpsRequest : httpRequest;
    // Our own process over loopback: the certificate names the public host, not 127.0.0.1,
    // and liveness is the question here, not who answers.
    const req = send(url, { timeout: TIMEOUT_MS, rejectUnauthorized: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
  if (status === 200) return 0;
  process.stderr.write(`healthcheck: ${url} answered ${status}\n`);
  return 1;
}

async function configOf(env: RawEnv): Promise<AppConfig> {
  if (env.APP_PROFILE === 'agent') {
    return loadConfig((await import('../agent/agent.config')).AgentConfig, env);
  }
  return loadConfig((await import('../relay/relay.config')).RelayConfig, env);
}

/** Where to reach a server bound to HOST from inside its own container or host. */
function loopbackHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`healthcheck: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  });
