import { MetricsServer } from '../../src/shared/metrics/metrics-server';
import { IDENTITY_ENV } from '../utils/identity';
import { parsePrometheus } from '../utils/operations';
import { startRelay } from '../utils/test-apps';

const TOKEN = 'metrics-token-for-tests-0123456789abcdef';

describe('/metrics', () => {
  it('is served by default on a loopback metrics port, and the API port 404 says where', async () => {
    const relay = await startRelay(IDENTITY_ENV);
    try {
      expect(relay.config.metricsPort(true)).toBe(9464);
      const response = await fetch(`${relay.url}/metrics`);
      expect(response.status).toBe(404);
      const body = (await response.json()) as { code: string; message: string };
      expect(body.code).toBe('NOT_FOUND');
      expect(body.message).toContain('metrics port');
      expect(body.message).toContain('9464');
      // Another process on this host may hold 9464: then the relay starts without it.
      const port = relay.app.get(MetricsServer).port;
      if (port !== undefined) {
        expect(port).toBe(9464);
        const scrape = await fetch('http://127.0.0.1:9464/metrics');
        expect(scrape.status).toBe(200);
        expect(parsePrometheus(await scrape.text()).types.has('intrabridge_tunnel_sessions')).toBe(
          true,
        );
      }
    } finally {
      await relay.close();
    }
  });

  it('is not served with METRICS_PORT=off, and the 404 says how to turn it on', async () => {
    const relay = await startRelay({ ...IDENTITY_ENV, METRICS_PORT: 'off' });
    try {
      expect(relay.app.get(MetricsServer).port).toBeUndefined();
      const response = await fetch(`${relay.url}/metrics`);
      expect(response.status).toBe(404);
      const body = (await response.json()) as { code: string; message: string };
      expect(body.message).toContain('METRICS_PORT');
      expect(body.message).toContain('METRICS_TOKEN');
    } finally {
      await relay.close();
    }
  });

  it('refuses a METRICS_PORT that is neither a port nor off', async () => {
    await expect(startRelay({ ...IDENTITY_ENV, METRICS_PORT: 'on' })).rejects.toThrow(
      /METRICS_PORT/,
    );
  });

  it('takes the metrics token on the API port and answers parseable Prometheus text', async () => {
    const relay = await startRelay({ ...IDENTITY_ENV, METRICS_TOKEN: TOKEN });
    try {
      expect((await fetch(`${relay.url}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${relay.url}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}x` },
      });
      expect(wrong.status).toBe(401);
      const response = await fetch(`${relay.url}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const metrics = parsePrometheus(await response.text());
      for (const [name, type] of [
        ['intrabridge_proxy_calls_total', 'counter'],
        ['intrabridge_proxy_bytes_total', 'counter'],
        ['intrabridge_proxy_duration_seconds', 'histogram'],
        ['intrabridge_tunnel_sessions', 'gauge'],
        ['intrabridge_tunnel_streams_in_flight', 'gauge'],
        ['intrabridge_tunnel_connects_total', 'counter'],
        ['intrabridge_tunnel_reconnects_total', 'counter'],
        ['intrabridge_tunnel_disconnects_total', 'counter'],
        ['intrabridge_security_denials_total', 'counter'],
        ['intrabridge_audit_events_total', 'counter'],
        ['intrabridge_transfer_records_buffered', 'gauge'],
        ['process_cpu_user_seconds_total', 'counter'],
      ]) {
        expect([name, metrics.types.get(name)]).toEqual([name, type]);
      }
      expect(metrics.sum('intrabridge_tunnel_sessions')).toBe(0);
      // A user token is not a metrics token.
      const login = await fetch(`${relay.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: IDENTITY_ENV.ADMIN_PASSWORD }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const withUser = await fetch(`${relay.url}/metrics`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(withUser.status).toBe(401);
      // Audit counters move with audited events (the login above).
      const after = parsePrometheus(
        await (
          await fetch(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
        ).text(),
      );
      expect(after.sum('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    } finally {
      await relay.close();
    }
  });

  it('moves to METRICS_PORT when set, off the API port', async () => {
    const relay = await startRelay({ ...IDENTITY_ENV, METRICS_PORT: '0', METRICS_TOKEN: TOKEN });
    try {
      const port = relay.app.get(MetricsServer).port;
      expect(port).toBeGreaterThan(0);
      expect(
        (
          await fetch(`${relay.url}/metrics`, {
            headers: { authorization: `Bearer ${TOKEN}` },
          })
        ).status,
      ).toBe(404);
      const separate = `http://127.0.0.1:${port}`;
      expect((await fetch(`${separate}/metrics`)).status).toBe(401);
      const response = await fetch(`${separate}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(response.status).toBe(200);
      expect(parsePrometheus(await response.text()).types.size).toBeGreaterThan(10);
      expect((await fetch(`${separate}/other`)).status).toBe(404);
    } finally {
      await relay.close();
    }
    // Closed with the app.
    const port = relay.app.get(MetricsServer).port;
    expect(port).toBeUndefined();
  });

  it('needs no token on METRICS_PORT when none is configured', async () => {
    const relay = await startRelay({ ...IDENTITY_ENV, METRICS_PORT: '0' });
    try {
      const port = relay.app.get(MetricsServer).port;
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      parsePrometheus(await response.text());
    } finally {
      await relay.close();
    }
  });

  it('refuses a short METRICS_TOKEN at start-up', async () => {
    await expect(startRelay({ ...IDENTITY_ENV, METRICS_TOKEN: 'short' })).rejects.toThrow(
      /METRICS_TOKEN/,
    );
  });
});
