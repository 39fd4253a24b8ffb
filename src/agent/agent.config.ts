import { Equals, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { AppConfig } from '../shared/config/app.config';
import { AppProfile } from '../shared/config/app-profile';
import { EnvInt } from '../shared/config/env-transforms';

const MIN_ADMIN_TOKEN_LENGTH = 32;

export class AgentConfig extends AppConfig {
  @Equals(AppProfile.Agent)
  readonly APP_PROFILE = AppProfile.Agent;

  /** The admin API stays on the intranet host unless told otherwise. */
  override HOST = '127.0.0.1';
  override PORT = 8081;
  /** Next to the relay's 9464, so both fit on one host (the demo, a test bench). */
  // A getter: validation (whitelist) strips undecorated fields.
  override get metricsDefaultPort(): number {
    return 9465;
  }
  override DATA_DIR = './data/agent';

  /** Agent-specific name for the admin API's bind address; wins over HOST when both are set. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  AGENT_HOST?: string;

  @IsOptional()
  @Matches(/^(https?|wss?):\/\/\S+$/, {
    message: 'RELAY_URL must be an http(s):// or ws(s):// URL',
  })
  RELAY_URL?: string;

  @IsOptional()
  @IsString()
  AGENT_ID?: string;

  @IsOptional()
  @IsString()
  AGENT_SECRET?: string;

  @IsOptional()
  @IsString()
  @MinLength(16)
  AGENT_ADMIN_TOKEN?: string;

  @IsOptional()
  @IsString()
  AGENT_DATASOURCES_FILE?: string;

  /** Data-log rows older than this many days are deleted by a periodic sweep. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(3650)
  DATA_LOG_RETENTION_DAYS = 3;

  /** At most this many data-log rows are kept, the oldest go first; 0: no budget. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(10_000_000_000)
  DATA_LOG_MAX_ROWS = 10_000_000;

  /** Data-log rows are buffered in memory and written in one insert at this interval... */
  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(60_000)
  DATA_LOG_FLUSH_INTERVAL_MS = 1_000;

  /** ...or as soon as this many rows are waiting. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(5_000)
  DATA_LOG_BATCH_SIZE = 500;

  /** Rows kept while the database is unreachable; beyond it the oldest are dropped (and counted). */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(1_000_000)
  DATA_LOG_MAX_BUFFERED = 10_000;

  override finalize(): string[] {
    const shared = super.finalize();
    if (this.AGENT_HOST) this.HOST = this.AGENT_HOST;
    const token = this.AGENT_ADMIN_TOKEN;
    if (this.isProduction && (!token || token.length < MIN_ADMIN_TOKEN_LENGTH)) {
      return [
        ...shared,
        `AGENT_ADMIN_TOKEN must be set to a random value of at least ${MIN_ADMIN_TOKEN_LENGTH} characters in production`,
      ];
    }
    return shared;
  }
}
