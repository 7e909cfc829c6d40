// The README's commands on a fresh machine: installs what is missing, then runs the job.
//   node scripts/run.mjs test   -> install, lint, unit tests, stack up, integration tests, fault battery,
//                                  stack down, the secured stack's tests
//   node scripts/run.mjs start  -> install, stack up, the live simulation (tools/start/main.ts)
//   node scripts/run.mjs stack <up|down|status|reset>
// Plain Node with no dependencies, because it runs before `npm ci` has.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const [command = 'help', ...args] = process.argv.slice(2);

function log(message) {
  console.log(`[churnstream] ${message}`);
}

function ensureInstalled() {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.churnstream-install');
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  log('installing npm dependencies (npm ci) ...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('npm ci failed; see the output above');
    process.exit(result.status ?? 1);
  }
  writeFileSync(stamp, hash);
}

// The job we run handles Ctrl-C itself (it stops its apps cleanly): this wrapper must outlive it,
// so it ignores the signals and passes them on (a repeated signal is harmless to the job).
let current = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => current?.kill(signal));
}

function run(cmd, cmdArgs, options = {}) {
  return new Promise((resolve) => {
    const child = (current = spawn(cmd, cmdArgs, {
      cwd: root,
      stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    }));
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }));
  });
}

/** Debian packages the tests drive: Chromium for the live page's browser test, kubectl to render k8s/. */
const SYSTEM_PACKAGES = [
  { bin: '/usr/bin/chromium', pkg: 'chromium', why: 'the browser test' },
  { bin: '/usr/bin/kubectl', pkg: 'kubectl', why: 'kubectl kustomize k8s' },
];

function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter((p) => !existsSync(p.bin));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg).join(' ');
  if (process.getuid?.() !== 0) {
    console.error(`${names} missing and this is not root: run \`sudo apt-get install -y ${names}\` first`);
    process.exit(1);
  }
  log(`installing Debian ${names} for ${missing.map((p) => p.why).join(' and ')} (apt-get) ...`);
  for (const cmdArgs of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...missing.map((p) => p.pkg)],
  ]) {
    const result = spawnSync('apt-get', cmdArgs, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0) {
      console.error(`apt-get ${cmdArgs.join(' ')} failed`);
      process.exit(result.status ?? 1);
    }
  }
}

/**
 * The Node of the production image (the Dockerfile's NODE_IMAGE), from the npm registry's `node`
 * package, cached in .stack/cache: the unit tests run a second time under it.
 */
function ensureImageNode() {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const version = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-/m.exec(dockerfile)?.[1];
  if (!version) {
    console.error('Dockerfile: ARG NODE_IMAGE=node:<major.minor.patch>-slim not found');
    process.exit(1);
  }
  const dir = join(root, '.stack', 'cache', `node-${version}`);
  const bin = join(dir, 'node_modules', 'node', 'bin', 'node');
  if (existsSync(bin)) return { version, bin };
  log(`installing Node ${version} (the image's) from the npm registry into ${dir} ...`);
  const result = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      dir,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `node@${version}`,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0 || !existsSync(bin)) {
    console.error(`npm install node@${version} failed; see the output above`);
    process.exit(result.status || 1);
  }
  return { version, bin };
}

const tsx = (file, fileArgs, options) =>
  run(process.execPath, ['--import', 'tsx', file, ...fileArgs], options);
const stack = (stackArgs, options) => tsx('tools/stack/main.ts', stackArgs, options);

/** Which servers `stack up` started (its last line says), so we stop only what we started. */
function startedServers(output) {
  const line = output.split('\n').find((l) => l.startsWith('STACK_STARTED='));
  return line ? line.slice('STACK_STARTED='.length).split(',').filter(Boolean) : [];
}

async function test() {
  const started = Date.now();
  ensureInstalled();
  ensureSystemPackages();
  const imageNode = ensureImageNode();
  const phases = [];
  const phase = async (name, fn) => {
    const t0 = Date.now();
    const code = await fn();
    phases.push({ name, ok: code === 0, seconds: ((Date.now() - t0) / 1000).toFixed(1) });
    return code === 0;
  };
  // The stack boots (mostly JVM start-up and waiting) while lint and the unit tests run.
  log('bringing the local stack up in the background ...');
  const stackUp = stack(['up'], { capture: true });
  let ok = await phase('lint (eslint, prettier, tsc)', () =>
    run('npm', ['run', '--silent', 'lint']).then((r) => r.code),
  );
  ok =
    (await phase(`unit tests (Node ${process.versions.node})`, () =>
      run(process.execPath, ['scripts/run-tests.mjs', 'unit']).then((r) => r.code),
    )) && ok;
  ok =
    (await phase(`unit tests (Node ${imageNode.version}, the image's)`, () =>
      run(imageNode.bin, ['scripts/run-tests.mjs', 'unit']).then((r) => r.code),
    )) && ok;
  const up = await stackUp;
  const toStop = startedServers(up.out);
  phases.push({ name: 'stack up', ok: up.code === 0, seconds: '-' });
  try {
    if (up.code === 0) {
      ok =
        (await phase('integration tests', () =>
          run(process.execPath, ['scripts/run-tests.mjs', 'integration']).then((r) => r.code),
        )) && ok;
      // The fault battery stops, kills and restarts these servers, so it comes after the integration
      // specs, and before the stack goes down (it leaves every server up and healthy).
      ok =
        (await phase('fault battery', () =>
          run(process.execPath, ['scripts/run-tests.mjs', 'faults']).then((r) => r.code),
        )) && ok;
    } else ok = false;
  } finally {
    if (toStop.length > 0) {
      log(`stopping what this run started: ${toStop.join(', ')}`);
      await stack(['down', ...toStop]);
    }
  }
  ok = (await secureTests(phase)) && ok;
  console.log('\nnpm test summary');
  for (const p of phases) console.log(`  ${p.ok ? 'ok  ' : 'FAIL'}  ${p.name.padEnd(40)} ${p.seconds}s`);
  console.log(`  total ${((Date.now() - started) / 1000).toFixed(0)}s: ${ok ? 'all green' : 'FAILED'}`);
  process.exit(ok ? 0 : 1);
}

/**
 * The secured stack's tests, after the plain stack is down (so the two never compete for the two
 * cores): `stack up --secure`, the secured specs, then down again what this run started.
 */
async function secureTests(phase) {
  log('bringing the secured stack up ...');
  let secureStarted = [];
  const upOk = await phase('secured stack up', async () => {
    const up = await stack(['up', '--secure'], { capture: true });
    secureStarted = startedServers(up.out);
    return up.code;
  });
  try {
    if (!upOk) return false;
    return await phase('secured-stack tests', () =>
      run(process.execPath, ['scripts/run-tests.mjs', 'secure']).then((r) => r.code),
    );
  } finally {
    if (secureStarted.length > 0) {
      log(`stopping the secured servers this run started: ${secureStarted.join(', ')}`);
      await stack(['down', '--secure', ...secureStarted]);
    }
  }
}

/** KEY=value lines of the secured stack's env file (written by `stack up --secure`). */
function secureEnv() {
  const file = join(root, '.stack', 'secure', 'secure.env');
  const env = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

/** `npm start -- --secure`: the same run on the secured stack, every app with its own credentials. */
async function start() {
  ensureInstalled();
  const secure = args.includes('--secure');
  const up = await stack(secure ? ['up', '--secure'] : ['up']);
  if (up.code !== 0) process.exit(up.code);
  if (secure) Object.assign(process.env, secureEnv());
  const result = await tsx(
    'tools/start/main.ts',
    args.filter((arg) => arg !== '--secure'),
  );
  process.exit(result.code);
}

switch (command) {
  case 'test':
    await test();
    break;
  case 'start':
    await start();
    break;
  case 'simulate': {
    ensureInstalled();
    const up = await stack(['up']);
    if (up.code !== 0) process.exit(up.code);
    const result = await tsx('tools/simulate/main.ts', args);
    process.exit(result.code);
    break;
  }
  case 'stack': {
    ensureInstalled();
    const result = await stack(args);
    process.exit(result.code);
    break;
  }
  default:
    console.log('usage: node scripts/run.mjs <test|start|stack ...>');
    process.exit(command === 'help' ? 0 : 2);
}
