#!/usr/bin/env node
// Launcher for the compiled CLI (dist/ is built by `npm ci` through the `prepare` script).
import('../dist/src/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli/main.js')) {
    process.stderr.write('hapair: not built yet: run `npm run build` (or `npm ci`) in the hapair directory\n');
    process.exit(2);
  }
  throw err;
});
