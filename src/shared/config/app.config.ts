import {
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';
import { AppProfile, LogLevel, NodeEnv } from './app-profile';
import { EnvBool, EnvInt } from './env-transforms';
import { EnvMetricsPort, IsMetricsPort } from './metrics-port';

/**
 * Settings every profile has. Each profile extends this class with its own variables and
 * defaults; property names are the environment variable names so `.env.example` maps 1:1.
 */
export abstract class AppConfig {
  abstract readonly APP_PROFILE: AppProfile;

  @IsEnum(NodeEnv)
  NODE_ENV: NodeEnv = NodeEnv.Development;

  @IsString()
  @MinLength(1)
  HOST: string;

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number;

  @IsString()
  @MinLength(1)
  DATA_DIR: string;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'DATABASE_URL must be a postgres:// or postgresql:// URL',
  })
  DATABASE_URL?: string;

  @EnvBool()
  @IsBoolean()
  MIGRATIONS_RUN = true;

  @IsEnum(LogLevel)
  LOG_LEVEL: LogLevel = LogLevel.Info;

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** A client must have sent its whole request head within this long, or gets 408. */
  @EnvInt()
  @IsInt()
  @Min(1_000)
  @Max(300_000)
  HTTP_HEADERS_TIMEOUT_MS = 15_000;

  /**
   * Whole-request deadline (head and body); 0: none. Off by default: it would cut long
   * uploads, which the proxy's per-gap PROXY_TIMEOUT_MS already bounds.
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  HTTP_REQUEST_TIMEOUT_MS = 0;

  /** How often the server looks for requests past those deadlines (their granularity). */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(60_000)
  HTTP_CONNECTIONS_CHECK_MS = 2_000;

  /** An idle keep-alive connection is closed after this long. */
  @EnvInt()
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 10_000;

  /** Serve HTTPS (and wss:// for the tunnel) with this PEM certificate chain... */
  @IsOptional()
  @IsString()
  TLS_CERT_FILE?: string;

  /** ...and this PEM private key. Both or neither. */
  @IsOptional()
  @IsString()
  TLS_KEY_FILE?: string;

  /** Bearer token /metrics requires; at least 32 characters. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'METRICS_TOKEN must be at least 32 characters' })
  METRICS_TOKEN?: string;

  /**
   * The metrics port: a number (0: any free one), or `off`. Unset: the profile's default
   * port (`metricsDefaultPort`), except that the relay keeps serving /metrics on its API
   * port when only METRICS_TOKEN is set. See `metricsPort`.
   */
  @IsOptional()
  @EnvMetricsPort()
  @IsMetricsPort()
  METRICS_PORT?: number | 'off';

  /** Interface for the metrics port; keep it private (loopback or an internal network). */
  @IsString()
  @MinLength(1)
  METRICS_HOST = '127.0.0.1';

  /** Where the metrics port goes when METRICS_PORT is unset. */
  abstract get metricsDefaultPort(): number;

  /**
   * The port the separate metrics server listens on, or undefined when there is none.
   * `apiPortServes`: the profile can serve /metrics on its API port given a token.
   */
  metricsPort(apiPortServes: boolean): number | undefined {
    if (this.METRICS_PORT === 'off') return undefined;
    if (this.METRICS_PORT !== undefined) return this.METRICS_PORT;
    if (apiPortServes && this.METRICS_TOKEN) return undefined;
    return this.metricsDefaultPort;
  }

  get isProduction(): boolean {
    return this.NODE_ENV === NodeEnv.Production;
  }

  /**
   * Cross-field checks; returns every problem. Runs even when a field failed its own rule
   * (loadConfig drops problems about such fields), so each check must tolerate bad values.
   */
  finalize(): string[] {
    const problems: string[] = [];
    if (Boolean(this.TLS_CERT_FILE) !== Boolean(this.TLS_KEY_FILE)) {
      problems.push('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
    }
    if (
      this.HTTP_REQUEST_TIMEOUT_MS > 0 &&
      this.HTTP_REQUEST_TIMEOUT_MS < this.HTTP_HEADERS_TIMEOUT_MS
    ) {
      problems.push('HTTP_REQUEST_TIMEOUT_MS must be 0 or at least HTTP_HEADERS_TIMEOUT_MS');
    }
    return problems;
  }
}
