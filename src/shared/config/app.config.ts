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

  /** Serve HTTPS (and wss:// for the tunnel) with this PEM certificate chain... */
  @IsOptional()
  @IsString()
  TLS_CERT_FILE?: string;

  /** ...and this PEM private key. Both or neither. */
  @IsOptional()
  @IsString()
  TLS_KEY_FILE?: string;

  get isProduction(): boolean {
    return this.NODE_ENV === NodeEnv.Production;
  }

  /** Cross-field checks run after the per-field rules pass; returns problems. */
  finalize(): string[] {
    if (Boolean(this.TLS_CERT_FILE) !== Boolean(this.TLS_KEY_FILE)) {
      return ['TLS_CERT_FILE and TLS_KEY_FILE must be set together'];
    }
    return [];
  }
}
