// Finds the spec files and runs them with Node's test runner (TypeScript through tsx).
// unit: *.spec.ts beside the code (apps/, libs/, tools/); integration: test/**/*.spec.ts (real servers)
// except *.secure.spec.ts; secure: those and the pipeline spec against the secured stack
// (`stack up --secure`), whose env file CHURNSTREAM_TEST_ENV_FILE names; faults: test/**/*.faults.ts,
// which stop, kill and restart the servers, so they run after the integration specs.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const kind = process.argv[2] ?? 'unit';
const filters = process.argv.slice(3);
const suffix = kind === 'faults' ? '.faults.ts' : '.spec.ts';
const skip = new Set(['node_modules', '.git', '.stack', '.cache', 'out', 'dist']);

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith(suffix)) out.push(relative(root, path));
  }
  return out;
}

const dirs = kind === 'unit' ? ['apps', 'libs', 'tools', 'bench'] : ['test'];
let files = dirs.flatMap((d) => {
  try {
    return find(join(root, d));
  } catch {
    return [];
  }
});
const secureOnly = (f) => f.endsWith('.secure.spec.ts');
if (kind === 'integration') files = files.filter((f) => !secureOnly(f));
if (kind === 'secure') files = files.filter((f) => secureOnly(f) || f === 'test/pipeline.spec.ts');
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
files.sort();
if (files.length === 0) {
  console.error(`no ${kind} spec files found${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}
console.log(`running ${files.length} ${kind} spec file(s)`);
const args = ['--import', 'tsx', '--test', '--test-reporter=spec'];
// Integration specs share real servers: one file at a time keeps their load and timings honest.
if (kind === 'unit') args.push('--test-concurrency=2');
else args.push('--test-concurrency=1');
const env =
  kind === 'secure'
    ? { ...process.env, CHURNSTREAM_TEST_ENV_FILE: join(root, '.stack', 'secure', 'secure.env') }
    : process.env;
const result = spawnSync(process.execPath, [...args, ...files], { cwd: root, stdio: 'inherit', env });
process.exit(result.status ?? 1);
