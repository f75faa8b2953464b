// ava configuration. Tests are compiled by tsc (npm test) into $HAPAIR_OUT (default dist) and run from there.
// HAPAIR_TEST_PHASE=unit|integration splits the suite: integration = network namespaces, run serially.
const out = process.env.HAPAIR_OUT ?? 'dist';
const phase = process.env.HAPAIR_TEST_PHASE ?? 'all';

const files =
  phase === 'unit'
    ? [`${out}/test/**/*.test.js`, `!${out}/test/integration/**`]
    : phase === 'integration'
      ? [`${out}/test/integration/**/*.test.js`]
      : [`${out}/test/**/*.test.js`];

export default {
  files,
  timeout: '3m',
  concurrency: phase === 'integration' ? 1 : 2,
  workerThreads: false,
  environmentVariables: { HAPAIR_LOG_LEVEL: process.env.HAPAIR_LOG_LEVEL ?? 'warn' },
};
