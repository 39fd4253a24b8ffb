import { randomBytes } from 'node:crypto';
import { Equals, IsOptional, IsString, Matches, MinLength } from 'class-validator';
import { AppConfig } from '../shared/config/app.config';
import { AppProfile } from '../shared/config/app-profile';

/** Placeholder secrets shipped in `.env.example`; production refuses them. */
export const EXAMPLE_SECRETS = new Set(['change-me', 'change-me-to-a-long-random-secret']);
const MIN_SECRET_LENGTH = 32;

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

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** True when no JWT_SECRET was given and a throwaway one was made for this process. */
  jwtSecretGenerated = false;

  override finalize(): string[] {
    const secret = this.JWT_SECRET;
    const weak = !secret || EXAMPLE_SECRETS.has(secret) || secret.length < MIN_SECRET_LENGTH;
    if (weak && this.isProduction) {
      return [
        `JWT_SECRET must be set to a random value of at least ${MIN_SECRET_LENGTH} characters in production (not the example value)`,
      ];
    }
    if (!secret) {
      this.JWT_SECRET = randomBytes(32).toString('base64url');
      this.jwtSecretGenerated = true;
    }
    return [];
  }
}
