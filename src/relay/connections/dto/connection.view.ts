import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { TunnelSession } from '../../tunnel/tunnel-session';

export class ConnectionDatasourceView {
  @ApiProperty()
  name: string;

  @ApiProperty({ example: 'http' })
  type: string;
}

/** One live agent session, as the monitor shows it. */
export class ConnectionView {
  @ApiProperty({ format: 'uuid', description: 'Session id (use it to kick)' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  agentId: string;

  @ApiProperty()
  agentName: string;

  @ApiProperty({ example: '203.0.113.7' })
  remoteIp: string;

  @ApiProperty({ type: String, format: 'date-time' })
  connectedAt: string;

  @ApiProperty({ enum: ['awaiting-hello', 'ready', 'draining', 'closed'] })
  state: string;

  @ApiProperty({ example: 1 })
  protocolVersion: number;

  @ApiProperty({ example: '0.1.0' })
  agentVersion: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  lastHeartbeatAt: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Last heartbeat round trip' })
  rttMs: number | null;

  @ApiProperty({ description: 'Proxied calls streaming right now' })
  streamsInFlight: number;

  @ApiProperty({ description: 'Calls routed over this session since it connected' })
  calls: number;

  @ApiProperty({ description: 'Bytes received from the agent since connect (frames included)' })
  bytesIn: number;

  @ApiProperty({ description: 'Bytes sent to the agent since connect (frames included)' })
  bytesOut: number;

  @ApiProperty({ type: [ConnectionDatasourceView] })
  datasources: ConnectionDatasourceView[];
}

export function toConnectionView(session: TunnelSession): ConnectionView {
  const stats = session.stats;
  return {
    id: session.id,
    agentId: session.identity.agentId,
    agentName: session.identity.agentName,
    remoteIp: session.identity.remoteIp,
    connectedAt: session.connectedAt.toISOString(),
    state: session.state,
    protocolVersion: session.protocolVersion,
    agentVersion: session.agentVersion,
    lastHeartbeatAt: stats.lastHeartbeatAt?.toISOString() ?? null,
    rttMs: stats.rttMs ?? null,
    streamsInFlight: session.streamsInFlight,
    calls: session.calls,
    bytesIn: stats.bytesIn,
    bytesOut: stats.bytesOut,
    datasources: session.catalog.map((entry) => ({ name: entry.name, type: entry.type })),
  };
}
