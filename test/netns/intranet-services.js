// The intranet's own services for the network-layout test, run inside the intranet
// namespace and bound to every interface there (only the network keeps them private):
// an HTTP API on port 8088 and a PostgreSQL (PGlite) on port 5432 with one table.
const { createServer } = require('node:http');
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

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
  const db = await PGlite.create();
  await db.exec(`create table readings (id int primary key, sensor text, value numeric);
    insert into readings select i, 'sensor-' || (i % 3), i * 1.5 from generate_series(1, 50) i;`);
  const server = new PGLiteSocketServer({ db, host: '0.0.0.0', port: 5432 });
  await server.start();
  process.stdout.write('ready\n');
})().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
