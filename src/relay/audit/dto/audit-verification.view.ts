import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export enum ChainBreakReason {
  /** The event's content no longer matches its own hash: it was altered. */
  HashMismatch = 'hash_mismatch',
  /** The event does not point at the one before it: events were altered, removed or inserted. */
  PrevHashMismatch = 'prev_hash_mismatch',
  /** Sequence numbers skip: events were removed. */
  SequenceGap = 'sequence_gap',
  /** Older events are missing and no retention run accounts for it. */
  MissingPredecessor = 'missing_predecessor',
}

export class ChainBreakView {
  @ApiProperty({ description: 'The first event that does not verify' })
  seq: number;

  @ApiProperty({ enum: ChainBreakReason })
  reason: ChainBreakReason;

  @ApiProperty()
  message: string;
}

export class AuditVerificationView {
  @ApiProperty({ description: 'True when every event verifies and links to the one before' })
  intact: boolean;

  @ApiProperty({ description: 'Events checked' })
  checked: number;

  @ApiPropertyOptional({ type: Number, nullable: true })
  firstSeq: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true })
  lastSeq: number | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Hash of the newest event; keep it elsewhere to detect a rewritten chain later',
  })
  headHash: string | null;

  @ApiProperty({ description: 'The oldest events were removed by retention, as recorded' })
  trimmedByRetention: boolean;

  @ApiPropertyOptional({ type: ChainBreakView, nullable: true })
  brokenAt: ChainBreakView | null;

  @ApiProperty({ type: String, format: 'date-time' })
  verifiedAt: string;
}
