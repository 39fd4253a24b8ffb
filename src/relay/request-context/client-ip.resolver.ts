import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { RelayConfig } from '../relay.config';
import { TrustedProxies } from './trusted-proxies';

const RESOLVED = Symbol('intrabridge.clientIp');

type WithResolvedIp = IncomingMessage & { [RESOLVED]?: string };

/**
 * The one place the relay decides who a caller is on the network: HTTP routes, IP rules,
 * rate limits, the audit log and agent upgrades all ask here. Express's `trust proxy` is set
 * to the same list, so `req.ip` (and Nest's `@Ip()`) agree with it.
 */
@Injectable()
export class ClientIpResolver implements OnModuleInit {
  readonly trusted: TrustedProxies;

  constructor(
    config: RelayConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.trusted = TrustedProxies.parse(config.TRUSTED_PROXIES);
  }

  onModuleInit(): void {
    const instance: unknown = this.adapterHost.httpAdapter?.getInstance();
    const app = instance as { set?: (name: string, value: unknown) => void } | undefined;
    app?.set?.('trust proxy', (address: string) => this.trusted.isTrusted(address));
  }

  /** The caller's address, normalised (`::ffff:` unwrapped); computed once per request. */
  of(request: IncomingMessage): string {
    const req = request as WithResolvedIp;
    req[RESOLVED] ??= this.trusted.clientIp(
      req.socket?.remoteAddress,
      req.headers['x-forwarded-for'],
    );
    return req[RESOLVED];
  }
}
