// The raw-handle loader (raw-binding.ts) under every way of asking for --pending-deprecation: the data plane falls
// back to net.Socket and nothing is printed (process.binding() would print DEP0111); without it, raw handles and
// still nothing printed. Runs a real child node (this test's own node, so 20/22/24 alike) importing the module.
import test from 'ava';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { outDir } from '../../helpers/paths.js';

const mod = pathToFileURL(path.join(outDir, 'src/proxy/io/raw-binding.js')).href;
const probe = `import(${JSON.stringify(mod)}).then((m) => process.stdout.write(String(m.rawSockets)))`;

function run(execArgv: string[], env: Record<string, string>): Promise<{ out: string; err: string }> {
  const base: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: undefined, NODE_PENDING_DEPRECATION: undefined, HAPAIR_SOCKETS: undefined };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...execArgv, '-e', probe], { env: { ...base, ...env } as NodeJS.ProcessEnv, timeout: 20_000 }, (e, out, err) =>
      e ? reject(e) : resolve({ out, err }));
  });
}

const rows: { name: string; execArgv: string[]; env: Record<string, string>; raw: boolean }[] = [
  { name: 'default', execArgv: [], env: {}, raw: true },
  { name: 'command-line flag', execArgv: ['--pending-deprecation'], env: {}, raw: false },
  { name: 'NODE_OPTIONS', execArgv: [], env: { NODE_OPTIONS: '--max-old-space-size=256 --pending-deprecation' }, raw: false },
  { name: 'NODE_PENDING_DEPRECATION=1', execArgv: [], env: { NODE_PENDING_DEPRECATION: '1' }, raw: false },
  { name: 'HAPAIR_SOCKETS=net', execArgv: [], env: { HAPAIR_SOCKETS: 'net' }, raw: false },
];

for (const r of rows) {
  test(`raw handles ${r.raw ? 'used' : 'not used'} (${r.name}), no warning printed`, async (t) => {
    const { out, err } = await run(r.execArgv, r.env);
    t.is(out, String(r.raw));
    t.notRegex(err, /DEP0111|DeprecationWarning/);
  });
}
