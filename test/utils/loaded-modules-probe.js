// Preloaded with `node --require` by tests: on exit, writes the files the process loaded.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  writeFileSync(process.env.MODULE_PROBE_FILE, JSON.stringify(Object.keys(require.cache)));
});
