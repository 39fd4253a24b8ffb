import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, MoreThan, type Repository } from 'typeorm';
import { isForeignKeyViolation } from '../../shared/database/postgres-errors';
import { AgentBlockEntity } from './agent-block.entity';

export interface NewBlock {
  agentId: string;
  seconds: number;
  reason?: string | null;
  createdBy?: string | null;
}

/**
 * Block periods after a kick: while one lasts, the tunnel gateway refuses the agent's
 * upgrade. Kept in the database, so a block survives a relay restart and holds on every
 * relay of a cluster; an upgrade costs one primary-key lookup.
 */
@Injectable()
export class ConnectionBlocks {
  constructor(
    @InjectRepository(AgentBlockEntity) private readonly blocks: Repository<AgentBlockEntity>,
  ) {}

  /** Blocks (or re-blocks) an agent; returns the block, or undefined if the agent is gone. */
  async block(input: NewBlock): Promise<AgentBlockEntity | undefined> {
    const blockedUntil = new Date(Date.now() + input.seconds * 1000);
    try {
      await this.blocks.upsert(
        {
          agentId: input.agentId,
          blockedUntil,
          reason: input.reason ?? null,
          createdBy: input.createdBy ?? null,
        },
        ['agentId'],
      );
    } catch (error) {
      if (isForeignKeyViolation(error)) return undefined;
      throw error;
    }
    return (await this.blocks.findOneBy({ agentId: input.agentId })) ?? undefined;
  }

  /** When the agent's block ends, or undefined when it may connect. */
  async blockedUntil(agentId: string): Promise<Date | undefined> {
    const block = await this.blocks.findOneBy({ agentId, blockedUntil: MoreThan(new Date()) });
    return block?.blockedUntil;
  }

  async active(): Promise<AgentBlockEntity[]> {
    await this.blocks.delete({ blockedUntil: LessThanOrEqual(new Date()) });
    return this.blocks.find({ order: { blockedUntil: 'ASC' } });
  }

  /** Lifts a block early; false when there was none. */
  async lift(agentId: string): Promise<AgentBlockEntity | undefined> {
    const block = await this.blocks.findOneBy({ agentId, blockedUntil: MoreThan(new Date()) });
    await this.blocks.delete({ agentId });
    return block ?? undefined;
  }
}
