import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface RelayTls {
  /** PEM file of the CA that signed the relay's certificate (private PKI). */
  caFile?: string;
  /** Only ever false in a lab: accepting any certificate defeats TLS. */
  rejectUnauthorized: boolean;
}

/** The tunnel URL derived from the relay's base URL: https -> wss, http -> ws. */
export function tunnelUrl(relayUrl: string): string {
  const url = new URL(relayUrl);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/$/, '')}/api/v1/tunnel`;
  return url.toString();
}

export function tlsOptions(tls: RelayTls): { ca?: Buffer; rejectUnauthorized: boolean } {
  return {
    ca: tls.caFile ? readFileSync(tls.caFile) : undefined,
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}

export class AgentAuthError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The relay's error code (AGENT_BLOCKED, UNAUTHORIZED...), when its answer had one. */
    readonly code?: string,
    /** End of the block period, for AGENT_BLOCKED. */
    readonly blockedUntil?: string,
  ) {
    super(message);
  }
}

/** The relay's error body, reduced to what is safe to show and log (no echoed input). */
export interface RelayRefusal {
  code?: string;
  message?: string;
  blockedUntil?: string;
}

export function readRelayRefusal(text: string): RelayRefusal {
  try {
    const body = JSON.parse(text) as {
      code?: unknown;
      message?: unknown;
      details?: { blockedUntil?: unknown };
    };
    const str = (value: unknown) => (typeof value === 'string' ? value.slice(0, 200) : undefined);
    return {
      code: str(body.code),
      message: str(body.message),
      blockedUntil: str(body.details?.blockedUntil),
    };
  } catch {
    return {};
  }
}

/** 401/403/429 from the relay: retrying with the same credentials will not help soon. */
export function refusalError(status: number, what: string, text: string): AgentAuthError {
  const refusal = readRelayRefusal(text);
  const label = refusal.code ? `${status} ${refusal.code}` : String(status);
  return new AgentAuthError(
    status,
    `relay refused ${what} (${label}: ${refusal.message ?? 'no message'})`,
    refusal.code,
    refusal.blockedUntil,
  );
}

const EXCHANGE_TIMEOUT_MS = 10_000;

/**
 * Trades the agent's id and secret for a short-lived tunnel token. Uses node:http(s) rather
 * than fetch so a private CA and certificate checks apply exactly as for the WebSocket.
 */
export async function exchangeAgentToken(
  relayUrl: string,
  agentId: string,
  secret: string,
  tls: RelayTls,
): Promise<string> {
  const url = new URL(relayUrl);
  url.protocol =
    url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  url.pathname = `${url.pathname.replace(/\/$/, '')}/api/v1/agents/token`;
  const body = JSON.stringify({ agentId, secret });
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<string>((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: EXCHANGE_TIMEOUT_MS,
        ...(url.protocol === 'https:' ? tlsOptions(tls) : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200 && res.statusCode !== 201) {
            const status = res.statusCode ?? 0;
            reject(
              status === 401 || status === 403 || status === 429
                ? refusalError(status, 'the agent credentials', text)
                : new Error(
                    `token exchange failed with ${status}: ${readRelayRefusal(text).message ?? 'no message'}`,
                  ),
            );
            return;
          }
          try {
            const token = (JSON.parse(text) as { accessToken?: unknown }).accessToken;
            if (typeof token !== 'string') throw new Error('no accessToken in answer');
            resolve(token);
          } catch (error) {
            reject(new Error(`token exchange answer unreadable: ${(error as Error).message}`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('token exchange timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
