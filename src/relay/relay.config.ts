import { randomBytes } from 'node:crypto';
import { Equals, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { AppConfig } from '../shared/config/app.config';
import { AppProfile } from '../shared/config/app-profile';
import { EnvDuration, EnvInt } from '../shared/config/env-transforms';

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

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** True when no JWT_SECRET was given and a throwaway one was made for this process. */
  jwtSecretGenerated = false;

  override finalize(): string[] {
    const adminProblems =
      this.ADMIN_PASSWORD?.toLowerCase() === this.ADMIN_USERNAME
        ? ['ADMIN_PASSWORD must not equal ADMIN_USERNAME']
        : [];
    const secret = this.JWT_SECRET;
    const weak = !secret || EXAMPLE_SECRETS.has(secret) || secret.length < MIN_SECRET_LENGTH;
    if (weak && this.isProduction) {
      return [
        ...adminProblems,
        `JWT_SECRET must be set to a random value of at least ${MIN_SECRET_LENGTH} characters in production (not the example value)`,
      ];
    }
    if (!secret) {
      this.JWT_SECRET = randomBytes(32).toString('base64url');
      this.jwtSecretGenerated = true;
    }
    return adminProblems;
  }
}
