import { randomBytes } from 'node:crypto';
import {
  Equals,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';
import { AppConfig } from '../shared/config/app.config';
import { AppProfile } from '../shared/config/app-profile';
import { EnvBool, EnvDuration, EnvInt, EnvList } from '../shared/config/env-transforms';
import { IsTrustedProxyList } from './request-context/trusted-proxies';

/** Placeholder secrets shipped in `.env.example`; production refuses them. */
export const EXAMPLE_SECRETS = new Set(['change-me', 'change-me-to-a-long-random-secret']);
const MIN_SECRET_LENGTH = 32;
const DURATION_MESSAGE = '$property must be whole seconds or a duration like 90s, 15m, 12h, 7d';

export class RelayConfig extends AppConfig {
  @Equals(AppProfile.Relay)
  readonly APP_PROFILE = AppProfile.Relay;

  override HOST = '0.0.0.0';
  override PORT = 8080;
  override DATA_DIR = './data/relay';

  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{2,63}$/, {
    message: 'ADMIN_USERNAME must be 3-64 characters of a-z, 0-9, dot, dash or underscore',
  })
  ADMIN_USERNAME = 'admin';

  @IsOptional()
  @IsString()
  @MinLength(12)
  ADMIN_PASSWORD?: string;

  // ---- Identity: tokens and login throttling ----

  /** Lifetime of a user access token (JWT): seconds, or 15m / 2h style. */
  @EnvDuration()
  @IsInt({ message: DURATION_MESSAGE })
  @Min(1)
  @Max(86_400)
  JWT_ACCESS_TTL = 900;

  /** Lifetime of a refresh token; each refresh issues a new one (sliding). */
  @EnvDuration()
  @IsInt({ message: DURATION_MESSAGE })
  @Min(1)
  @Max(90 * 86_400)
  REFRESH_TOKEN_TTL = 7 * 86_400;

  /** Lifetime of an agent token (only needed to open the tunnel). */
  @EnvDuration()
  @IsInt({ message: DURATION_MESSAGE })
  @Min(1)
  @Max(86_400)
  AGENT_TOKEN_TTL = 900;

  /** Failed logins (or agent token exchanges) for one name before it is locked. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(1_000)
  LOGIN_MAX_FAILURES = 5;

  /** Failed attempts from one IP address, across names, before it is locked. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  LOGIN_MAX_FAILURES_PER_IP = 50;

  /** Failures older than this are forgotten. */
  @EnvDuration()
  @IsInt({ message: DURATION_MESSAGE })
  @Min(1)
  @Max(86_400)
  LOGIN_FAILURE_WINDOW = 900;

  /** How long a locked name or IP is refused with 429. */
  @EnvDuration()
  @IsInt({ message: DURATION_MESSAGE })
  @Min(1)
  @Max(86_400)
  LOGIN_LOCKOUT = 900;

  /** Delay added to a failed attempt, doubling with each further failure (capped at 5 s). */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(5_000)
  LOGIN_FAILURE_DELAY_MS = 250;

  /**
   * How often proxied calls in flight and admin event streams are re-checked against the
   * database, so access revoked by another relay or the CLI ends them within about this.
   */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(60_000)
  REVOCATION_CHECK_MS = 1_000;

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  // ---- Tunnel and proxy ----

  /** Concurrent proxied calls per agent connection; more get 503 AGENT_BUSY. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(65_536)
  TUNNEL_MAX_STREAMS = 1024;

  /** Heartbeat period; a silent peer is dropped after 2.5 periods. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(300_000)
  TUNNEL_HEARTBEAT_MS = 10_000;

  /** Frames per second one agent may send, any type (bursts of twice that); past it: 1008. */
  @EnvInt()
  @IsInt()
  @Min(1_000)
  @Max(10_000_000)
  TUNNEL_MAX_FRAMES_PER_S = 50_000;

  /** PING, CATALOG and other connection-level frames per second (bursts of ten times that). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  TUNNEL_MAX_CONTROL_FRAMES_PER_S = 20;

  /** Largest DATA payload per frame (also the WebSocket max message size, plus a header). */
  @EnvInt()
  @IsInt()
  @Min(16_384)
  @Max(16_777_215)
  TUNNEL_MAX_FRAME_BYTES = 1_048_576;

  /** Per-stream flow-control window in each direction. */
  @EnvInt()
  @IsInt()
  @Min(16_384)
  @Max(0x7fffffff)
  TUNNEL_STREAM_WINDOW_BYTES = 1_048_576;

  /** Bytes queued on one agent socket above which body senders wait for it to drain. */
  @EnvInt()
  @IsInt()
  @Min(65_536)
  TUNNEL_MAX_BUFFERED_BYTES = 4_194_304;

  /** Deadline for the agent's answer to start, and for each gap in a streaming answer. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  PROXY_TIMEOUT_MS = 30_000;

  // ---- Relay operations: client addresses, IP rules, rate limits, body sizes, audit,
  // ---- transfer statistics and metrics

  /**
   * Proxies whose X-Forwarded-For is believed: IPs, CIDR ranges, or `loopback`,
   * `linklocal`, `uniquelocal`. Unset: the header is ignored and the peer address is used.
   */
  @EnvList()
  @IsTrustedProxyList()
  TRUSTED_PROXIES: string[] = [];

  /** Apply IP rules with the `admin` scope (switch off to recover from a lock-out). */
  @EnvBool()
  @IsBoolean()
  IP_RULES_ENFORCE_ADMIN = true;

  /** Apply IP rules with the `tunnel` scope to agent upgrades. */
  @EnvBool()
  @IsBoolean()
  IP_RULES_ENFORCE_TUNNEL = true;

  /** How often IP rules and rate-limit overrides are re-read (changes made by other relays). */
  @EnvInt()
  @IsInt()
  @Min(500)
  @Max(300_000)
  SECURITY_REFRESH_MS = 5_000;

  /** Rate-limit window: seconds, or 1m / 1h style. */
  @EnvDuration()
  @IsInt({ message: DURATION_MESSAGE })
  @Min(1)
  @Max(86_400)
  RATE_LIMIT_WINDOW = 60;

  /**
   * Requests per window from one client address (IPv6: per /64); 0 switches it off. Higher
   * than the per-principal default: many clients may share one address behind a NAT.
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  RATE_LIMIT_PER_IP = 6_000;

  /** Requests per window by one principal unless overridden at run time; 0 switches it off. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  RATE_LIMIT_PER_PRINCIPAL = 3_000;

  /** IPv6 clients are counted per network of this prefix length (one host owns a /64). */
  @EnvInt()
  @IsInt()
  @Min(32)
  @Max(128)
  RATE_LIMIT_IPV6_PREFIX = 64;

  /** Largest request body for login, refresh and logout. */
  @EnvInt()
  @IsInt()
  @Min(256)
  @Max(1_048_576)
  MAX_BODY_BYTES_AUTH = 16_384;

  /** Largest JSON body for the management API (at most the parser's 1 MiB cap). */
  @EnvInt()
  @IsInt()
  @Min(1_024)
  @Max(1_048_576)
  MAX_BODY_BYTES_API = 1_048_576;

  /** Largest declared proxied request body; 0: no relay limit (datasources set their own). */
  @EnvInt()
  @IsInt()
  @Min(0)
  MAX_BODY_BYTES_PROXY = 0;

  /** Audit events older than this many days are deleted; 0 keeps them for ever. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(36_500)
  AUDIT_RETENTION_DAYS = 365;

  /** Identical denials (same reason, caller and target) within this window are audited once. */
  @EnvDuration()
  @IsInt({ message: DURATION_MESSAGE })
  @Min(0)
  @Max(86_400)
  AUDIT_DENIAL_DEDUP = 60;

  /** Write one transfer record per proxied call. */
  @EnvBool()
  @IsBoolean()
  TRANSFER_RECORDS_ENABLED = true;

  /**
   * Per-call transfer records older than this many days are deleted; 0 keeps them for ever.
   * The statistics API reads the rollups, which are kept far longer.
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(36_500)
  TRANSFER_RETENTION_DAYS = 7;

  /** At most this many per-call transfer records are kept, the oldest go first; 0: no budget. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(10_000_000_000)
  TRANSFER_MAX_ROWS = 20_000_000;

  /** Per-minute rollups of the transfer records are kept this many days; 0: for ever. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(36_500)
  TRANSFER_ROLLUP_MINUTE_RETENTION_DAYS = 31;

  /** Per-hour rollups of the transfer records are kept this many days; 0: for ever. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(36_500)
  TRANSFER_ROLLUP_HOUR_RETENTION_DAYS = 400;

  /** Buffered transfer records are written at this interval... */
  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(60_000)
  TRANSFER_FLUSH_INTERVAL_MS = 1_000;

  /** ...or as soon as this many are waiting (also the rows per insert). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(5_000)
  TRANSFER_BATCH_SIZE = 500;

  /** Records kept while the database is unreachable; beyond it the oldest are dropped. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(10_000_000)
  TRANSFER_MAX_BUFFERED = 50_000;

  /** The Prometheus exporter's customary port, on loopback unless METRICS_HOST says. */
  // A getter: validation (whitelist) strips undecorated fields.
  override get metricsDefaultPort(): number {
    return 9464;
  }

  /** True when no JWT_SECRET was given and a throwaway one was made for this process. */
  jwtSecretGenerated = false;

  override finalize(): string[] {
    const shared = super.finalize();
    const adminProblems =
      this.ADMIN_PASSWORD?.toLowerCase() === this.ADMIN_USERNAME
        ? ['ADMIN_PASSWORD must not equal ADMIN_USERNAME']
        : [];
    const secret = this.JWT_SECRET;
    const weak = !secret || EXAMPLE_SECRETS.has(secret) || secret.length < MIN_SECRET_LENGTH;
    if (weak && this.isProduction) {
      return [
        ...shared,
        ...adminProblems,
        `JWT_SECRET must be set to a random value of at least ${MIN_SECRET_LENGTH} characters in production (not the example value)`,
      ];
    }
    if (!secret) {
      this.JWT_SECRET = randomBytes(32).toString('base64url');
      this.jwtSecretGenerated = true;
    }
    return [...shared, ...adminProblems];
  }
}
