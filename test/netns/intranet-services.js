// The intranet's own services for the network-layout test, run inside the intranet
// namespace and bound to every interface there (only the network keeps them private):
// an HTTP API on port 8088 and a PostgreSQL on port 5432 with one table (the embedded
// server from the build output: `npm run build` first). Argument: a data folder.
const { createServer } = require('node:http');
const { join } = require('node:path');
const { Client } = require('pg');
const { EmbeddedPostgres } = require('../../dist/src/shared/database/embedded/embedded-postgres');

const INVENTORY = {
  site: 'plant-7',
  items: [
    { sku: 'V-50', stock: 120 },
    { sku: 'P-200', stock: 8 },
  ],
};

(async () => {
  const http = createServer((req, res) => {
    if (req.url === '/inventory') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(INVENTORY));
    } else if (req.url !== '/hang') {
      res.writeHead(404).end();
    } // '/hang' never answers
  });
  await new Promise((resolve) => http.listen(8088, '0.0.0.0', resolve));
  const db = new EmbeddedPostgres({
    dataDir: join(process.argv[2], 'intranet-db'),
    role: 'intranet database (netns test)',
    tcp: { host: '0.0.0.0', port: 5432 },
  });
  await db.start();
  const client = new Client({
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    database: 'postgres',
  });
  await client.connect();
  await client.query(`create table readings (id int primary key, sensor text, value numeric);
    insert into readings select i, 'sensor-' || (i % 3), i * 1.5 from generate_series(1, 50) i;`);
  await client.end();
  process.once('SIGTERM', () => void db.stop().then(() => process.exit(0)));
  process.stdout.write('ready\n');
})().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
