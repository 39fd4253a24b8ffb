import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { access, constants } from 'node:fs/promises';
import { Subject, type Observable } from 'rxjs';
import type { Repository } from 'typeorm';
import { AppException } from '../../shared/errors/app.exception';
import { ErrorCode } from '../../shared/errors/error-code';
import { AgentConfig } from '../agent.config';
import { ConnectionConfigEntity } from './connection-config.entity';
import { DEFAULT_RECONNECT, type ConnectionSettings } from './connection-settings';
import type { PatchConnectionDto } from './dto/patch-connection.dto';
import type { ConnectionView, UpdateConnectionDto } from './dto/update-connection.dto';

/** What store() saves: PUT's shape, where a PATCH may leave relayUrl or agentId unset. */
interface StoredFields {
  relayUrl: string | null;
  agentId: string | null;
  secret?: string;
  tls: { caFile?: string | null; rejectUnauthorized: boolean };
  reconnect: { initialDelayMs: number; maxDelayMs: number };
}

const ROW_ID = 1;

/**
 * The relay connection settings, kept in the agent database. One rule an operator can
 * predict: RELAY_URL, AGENT_ID and AGENT_SECRET, when set, win over the stored values at
 * every start (and are stored); a field the environment leaves unset keeps what was stored
 * (by an earlier start or the admin API). The start-up log names each field's source.
 */
@Injectable()
export class ConnectionConfigService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ConnectionConfigService.name);
  private readonly changed = new Subject<ConnectionSettings>();
  /** The settings last read or written; the tunnel asks often, the row changes rarely. */
  private cached?: ConnectionSettings;
  /** The environment is applied once per start, by whichever caller reads first. */
  private environmentApplied?: Promise<void>;

  /** Emits the new settings after every successful PUT or PATCH; the tunnel reconnects on it. */
  readonly changes: Observable<ConnectionSettings> = this.changed.asObservable();

  constructor(
    @InjectRepository(ConnectionConfigEntity)
    private readonly rows: Repository<ConnectionConfigEntity>,
    private readonly config: AgentConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.load();
    } catch (error) {
      this.logger.error({ err: error }, 'connection settings could not be loaded');
    }
  }

  /**
   * The settings now in force (the secret included, for the tunnel's login). Never fails:
   * while the table cannot be read (e.g. migrations not applied yet) the environment's seed
   * values stand in.
   */
  async current(): Promise<ConnectionSettings> {
    if (this.cached) return this.cached;
    try {
      return toSettings(await this.load());
    } catch (error) {
      this.logger.warn({ err: error }, 'connection settings unreadable; using the environment');
      return this.seedSettings();
    }
  }

  async view(): Promise<ConnectionView> {
    return toView(await this.load());
  }

  async replace(dto: UpdateConnectionDto): Promise<ConnectionView> {
    return this.store(dto);
  }

  /** Changes only the fields given; the rest keep their stored values. */
  async patch(dto: PatchConnectionDto): Promise<ConnectionView> {
    const current = toView(await this.load());
    return this.store({
      relayUrl: dto.relayUrl ?? current.relayUrl,
      agentId: dto.agentId ?? current.agentId,
      secret: dto.secret,
      tls: {
        caFile: dto.tls?.caFile === undefined ? current.tls.caFile : dto.tls.caFile,
        rejectUnauthorized: dto.tls?.rejectUnauthorized ?? current.tls.rejectUnauthorized,
      },
      reconnect: { ...current.reconnect, ...definedOnly(dto.reconnect) },
    });
  }

  /** Checks and saves complete settings (an omitted secret keeps the stored one). */
  private async store(dto: StoredFields): Promise<ConnectionView> {
    if (dto.reconnect.maxDelayMs < dto.reconnect.initialDelayMs) {
      throw invalid('reconnect.maxDelayMs', 'must not be less than reconnect.initialDelayMs');
    }
    if (dto.tls.caFile) {
      await access(dto.tls.caFile, constants.R_OK).catch(() => {
        throw invalid('tls.caFile', 'cannot be read by the agent');
      });
    }
    const row = await this.load();
    row.relayUrl = dto.relayUrl;
    row.agentId = dto.agentId;
    if (dto.secret !== undefined) row.agentSecret = dto.secret;
    row.tlsCaFile = dto.tls.caFile ?? null;
    row.tlsRejectUnauthorized = dto.tls.rejectUnauthorized;
    row.reconnectInitialDelayMs = dto.reconnect.initialDelayMs;
    row.reconnectMaxDelayMs = dto.reconnect.maxDelayMs;
    const saved = await this.rows.save(row);
    this.cached = toSettings(saved);
    this.changed.next(this.cached);
    return toView(saved);
  }

  /** The row, created from the environment the first time, the environment applied once per start. */
  private async load(): Promise<ConnectionConfigEntity> {
    this.environmentApplied ??= this.applyEnvironment().catch((error: unknown) => {
      this.environmentApplied = undefined;
      throw error;
    });
    await this.environmentApplied;
    return this.loadRow();
  }

  private async applyEnvironment(): Promise<void> {
    const row = await this.loadRow();
    const fromEnv = environmentFields(this.config);
    const sources = {} as Record<EnvironmentField, 'environment' | 'stored' | 'unset'>;
    let changed = false;
    for (const field of ENVIRONMENT_FIELDS) {
      const value = fromEnv[field];
      if (value !== undefined && row[field] !== value) {
        row[field] = value;
        changed = true;
      }
      sources[field] = value !== undefined ? 'environment' : row[field] ? 'stored' : 'unset';
    }
    if (changed) this.cached = toSettings(await this.rows.save(row));
    // Names the source of each field, never a value (the secret least of all).
    this.logger.log(
      { relayUrl: sources.relayUrl, agentId: sources.agentId, agentSecret: sources.agentSecret },
      'connection settings: source of each field',
    );
    if (
      sources.relayUrl === 'unset' ||
      sources.agentId === 'unset' ||
      sources.agentSecret === 'unset'
    ) {
      this.logger.warn(
        'no relay connection configured: set RELAY_URL, AGENT_ID and AGENT_SECRET, or PUT /api/v1/connection',
      );
    }
  }

  private async loadRow(): Promise<ConnectionConfigEntity> {
    let row = await this.rows.findOneBy({ id: ROW_ID });
    if (!row) {
      const seed = this.seedSettings();
      await this.rows
        .createQueryBuilder()
        .insert()
        .values({
          id: ROW_ID,
          relayUrl: seed.relayUrl ?? null,
          agentId: seed.agentId ?? null,
          agentSecret: seed.secret ?? null,
          tlsCaFile: null,
          tlsRejectUnauthorized: seed.tls.rejectUnauthorized,
          reconnectInitialDelayMs: seed.reconnect.initialDelayMs,
          reconnectMaxDelayMs: seed.reconnect.maxDelayMs,
        })
        .orIgnore()
        .execute();
      this.logger.log('connection settings seeded from the environment');
      row = await this.rows.findOneByOrFail({ id: ROW_ID });
    }
    this.cached = toSettings(row);
    return row;
  }

  private seedSettings(): ConnectionSettings {
    return {
      relayUrl: this.config.RELAY_URL,
      agentId: this.config.AGENT_ID,
      secret: this.config.AGENT_SECRET,
      tls: { rejectUnauthorized: true },
      reconnect: { ...DEFAULT_RECONNECT },
    };
  }
}

/** The fields the environment can set, by their column (RELAY_URL, AGENT_ID, AGENT_SECRET). */
const ENVIRONMENT_FIELDS = ['relayUrl', 'agentId', 'agentSecret'] as const;
type EnvironmentField = (typeof ENVIRONMENT_FIELDS)[number];

function environmentFields(config: AgentConfig): Record<EnvironmentField, string | undefined> {
  // An empty variable (compose's `AGENT_ID=`) counts as unset, not as a value to store.
  const set = (value?: string) => (value ? value : undefined);
  return {
    relayUrl: set(config.RELAY_URL),
    agentId: set(config.AGENT_ID),
    agentSecret: set(config.AGENT_SECRET),
  };
}

function toSettings(row: ConnectionConfigEntity): ConnectionSettings {
  return {
    relayUrl: row.relayUrl ?? undefined,
    agentId: row.agentId ?? undefined,
    secret: row.agentSecret ?? undefined,
    tls: { caFile: row.tlsCaFile ?? undefined, rejectUnauthorized: row.tlsRejectUnauthorized },
    reconnect: {
      initialDelayMs: row.reconnectInitialDelayMs,
      maxDelayMs: row.reconnectMaxDelayMs,
    },
  };
}

function toView(row: ConnectionConfigEntity): ConnectionView {
  return {
    relayUrl: row.relayUrl,
    agentId: row.agentId,
    secretSet: Boolean(row.agentSecret),
    tls: { caFile: row.tlsCaFile, rejectUnauthorized: row.tlsRejectUnauthorized },
    reconnect: {
      initialDelayMs: row.reconnectInitialDelayMs,
      maxDelayMs: row.reconnectMaxDelayMs,
    },
    updatedAt: row.updatedAt,
  };
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(value ?? {}).filter(([, field]) => field !== undefined),
  ) as Partial<T>;
}

function invalid(field: string, problem: string): AppException {
  return new AppException(ErrorCode.ValidationFailed, `${field} ${problem}`, 400, [
    { field, problems: [`${field} ${problem}`] },
  ]);
}
