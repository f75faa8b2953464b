#!/usr/bin/env node
// Runs the ava suite in two phases (unit tests in parallel, network-namespace tests serially) and ends
// with the single summary line CI reads: `N passed, N failed[, N skipped]`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const phases = [
  { name: 'unit', env: { HAPAIR_TEST_PHASE: 'unit' } },
  { name: 'integration', env: { HAPAIR_TEST_PHASE: 'integration' } },
];
const only = process.argv[2]; // optional: 'unit' or 'integration'

function runPhase(phase) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/ava/entrypoints/cli.mjs', '--tap'], {
      env: { ...process.env, ...phase.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const totals = { pass: 0, fail: 0, skip: 0, todo: 0, planned: 0 };
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail += chunk.toString('utf8');
      const lines = tail.split('\n');
      tail = lines.pop() ?? '';
      for (const line of lines) count(line);
    });
    function count(line) {
      const m = /^# (pass|fail|skip|todo)\s+(\d+)/.exec(line);
      if (m) totals[m[1]] = Number(m[2]);
      const plan = /^1\.\.(\d+)/.exec(line);
      if (plan) totals.planned = Number(plan[1]);
    }
    child.on('close', (code) => {
      count(tail);
      // ava exits non-zero without a TAP summary when a file crashes or no test matched: count it as a failure.
      const noTests = code !== 0 && totals.pass + totals.fail + totals.skip === 0;
      if (noTests) totals.fail += 1;
      resolve({ ...totals, code });
    });
  });
}

const out = process.env.HAPAIR_OUT ?? 'dist';
/** True if the phase has at least one compiled test file (ava treats "no files" as an error). */
function hasTests(phase) {
  const root = path.join(out, 'test');
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    if (!e.name.endsWith('.test.js')) return false;
    const inIntegration = p.startsWith(path.join(root, 'integration') + path.sep);
    return phase.name === 'integration' ? inIntegration : !inIntegration;
  });
  return fs.existsSync(root) && walk(root);
}

const results = [];
for (const phase of phases) {
  if (only && phase.name !== only) continue;
  if (!hasTests(phase)) continue;
  process.stdout.write(`\n=== ${phase.name} tests ===\n`);
  results.push(await runPhase(phase));
}
const passed = results.reduce((n, r) => n + r.pass, 0);
const failed = results.reduce((n, r) => n + r.fail, 0);
const skipped = results.reduce((n, r) => n + r.skip + r.todo, 0);
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || results.some((r) => r.code !== 0) ? 1 : 0);
