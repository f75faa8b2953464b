// The contract type files (src/proxy/types*.ts, src/vrrp/types*.ts): each under the 400-line rule, types only (their
// compiled JS is empty), and src/*/types.ts a barrel that re-exports every split file.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { outDir, repoRoot } from '../../helpers/paths.js';

const AREAS = ['src/proxy', 'src/vrrp'];

for (const area of AREAS) {
  test(`${area}: types files are < 400 lines, compile to nothing, and types.ts re-exports them all`, (t) => {
    const files = fs.readdirSync(path.join(repoRoot, area)).filter((f) => /^types(-[a-z-]+)?\.ts$/.test(f));
    t.true(files.length >= 3, files.join(', '));
    for (const f of files) {
      const lines = fs.readFileSync(path.join(repoRoot, area, f), 'utf8').split('\n').length;
      t.true(lines < 400, `${f}: ${lines} lines`);
      const js = fs.readFileSync(path.join(outDir, area, f.replace(/\.ts$/, '.js')), 'utf8');
      t.is(js.replace(/^\/\/.*$/gm, '').trim(), 'export {};', `${f} holds runtime code`);
    }
    const barrel = fs.readFileSync(path.join(repoRoot, area, 'types.ts'), 'utf8');
    for (const f of files.filter((x) => x !== 'types.ts')) t.true(barrel.includes(`export type * from './${f.replace(/\.ts$/, '.js')}';`), f);
  });
}
