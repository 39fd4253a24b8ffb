import { Equals, IsOptional, IsString, Matches, MinLength } from 'class-validator';
import { AppConfig } from '../shared/config/app.config';
import { AppProfile } from '../shared/config/app-profile';

const MIN_ADMIN_TOKEN_LENGTH = 32;

export class AgentConfig extends AppConfig {
  @Equals(AppProfile.Agent)
  readonly APP_PROFILE = AppProfile.Agent;

  /** The admin API stays on the intranet host unless told otherwise. */
  override HOST = '127.0.0.1';
  override PORT = 8081;
  override DATA_DIR = './data/agent';

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

  override finalize(): string[] {
    const token = this.AGENT_ADMIN_TOKEN;
    if (this.isProduction && (!token || token.length < MIN_ADMIN_TOKEN_LENGTH)) {
      return [
        `AGENT_ADMIN_TOKEN must be set to a random value of at least ${MIN_ADMIN_TOKEN_LENGTH} characters in production`,
      ];
    }
    return [];
  }
}
