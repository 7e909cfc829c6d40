// Finds the spec files and runs them with Node's test runner (TypeScript through tsx).
// unit: *.spec.ts beside the code (apps/, libs/, tools/); integration: test/**/*.spec.ts (real servers).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const kind = process.argv[2] ?? 'unit';
const filters = process.argv.slice(3);
const skip = new Set(['node_modules', '.git', '.stack', '.cache', 'out', 'dist']);

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.spec.ts')) out.push(relative(root, path));
  }
  return out;
}

const dirs = kind === 'integration' ? ['test'] : ['apps', 'libs', 'tools', 'bench'];
let files = dirs.flatMap((d) => {
  try {
    return find(join(root, d));
  } catch {
    return [];
  }
});
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
files.sort();
if (files.length === 0) {
  console.error(`no ${kind} spec files found${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}
console.log(`running ${files.length} ${kind} spec file(s)`);
const args = ['--import', 'tsx', '--test', '--test-reporter=spec'];
// Integration specs share real servers: one file at a time keeps their load and timings honest.
if (kind === 'integration') args.push('--test-concurrency=1');
else args.push('--test-concurrency=2');
const result = spawnSync(process.execPath, [...args, ...files], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
