#!/usr/bin/env node
// Builds the optional AF_PACKET sender (src/vrrp/native, Node-API) with the node-gyp that ships with npm. Run by
// `npm ci` (package.json "install") and by scripts/bootstrap.sh when the build is missing or older than its source.
// A failed build is not fatal: `hapair vrrp` then sends gratuitous ARPs through iputils arping (slower takeover,
// same frames) and says so at start. HAPAIR_REQUIRE_NATIVE=1 makes a failed build an error (CI).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(repo, 'src/vrrp/native');
const out = path.join(dir, 'build/Release/hapair_packet.node');
const prefix = path.dirname(path.dirname(process.execPath));
const gyp = [process.env.npm_config_node_gyp, path.join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js')].find((p) => p && fs.existsSync(p));
const required = process.env.HAPAIR_REQUIRE_NATIVE === '1';

function give(why) {
  process.stderr.write(`hapair: native GARP sender not built (${why}); hapair vrrp will use arping instead\n`);
  process.exit(required ? 1 : 0);
}

if (process.platform !== 'linux') give('AF_PACKET is Linux-only');
if (!gyp) give('node-gyp not found next to npm');
// Headers installed with Node itself (Debian/NodeSource packages, official tarballs) avoid a download from nodejs.org.
const nodedir = fs.existsSync(path.join(prefix, 'include/node/node_api.h')) ? ['--nodedir', prefix] : [];
const r = spawnSync(process.execPath, [gyp, 'rebuild', '--directory', dir, ...nodedir], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 180_000 });
if (r.status !== 0 || !fs.existsSync(out)) give(`node-gyp exit ${r.status}: ${(r.stderr ?? '').split('\n').filter((l) => /ERR!|error/.test(l)).slice(0, 3).join(' | ') || 'no output'}`);
process.stderr.write(`hapair: built ${path.relative(repo, out)}\n`);
