// Locations tests need, computed from the compiled test file so any build dir ($HAPAIR_OUT) works.
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url)); // <out>/test/helpers
/** The compiled output root (dist or .build/<name>). */
export const outDir = path.resolve(here, '../..');
/** The repository root (where package.json lives). */
export const repoRoot = path.resolve(outDir, '..').endsWith('.build')
  ? path.resolve(outDir, '../..')
  : path.resolve(outDir, '..');
/** Compiled CLI entry: spawn with `process.execPath`. */
export const cliMain = path.join(outDir, 'src/cli/main.js');
/** Test fixtures live in the source tree (not compiled). */
export const fixturesDir = path.join(repoRoot, 'test/fixtures');
/** Files tests keep for humans (screenshots, captures). Not committed. */
export const artifactsDir = path.join(repoRoot, 'test-artifacts');

export function fixture(...parts: string[]): string {
  return path.join(fixturesDir, ...parts);
}

export function tmpDir(prefix = 'hapair-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function artifactPath(name: string): string {
  fs.mkdirSync(artifactsDir, { recursive: true });
  return path.join(artifactsDir, name);
}
