/**
 * `npm start`: starts every app against the local stack (already up, see scripts/run.mjs), shows
 * each /health, and stops them all cleanly on Ctrl-C.
 */
import { readFileSync } from 'node:fs';
import { SERVICES } from './services';
import { type RunningService, healthOf, startService, stopService, waitHealthy } from './supervisor';

const root = new URL('../../', import.meta.url).pathname;

function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function main(): Promise<number> {
  const running: RunningService[] = SERVICES.map((spec) => startService(root, spec, process.env));
  let stopping = false;
  const stopAll = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${reason}: stopping the apps ...`);
    await Promise.all(running.map((s) => stopService(s)));
    console.log('apps stopped. The local stack is still up: `npm run stack -- down` stops it.');
  };
  process.once('SIGINT', () => void stopAll('Ctrl-C').then(() => process.exit(0)));
  process.once('SIGTERM', () => void stopAll('SIGTERM').then(() => process.exit(0)));

  const healthy = await Promise.all(running.map((s) => waitHealthy(s, 60_000)));
  console.log('\napp         port  health  log');
  for (const [i, s] of running.entries()) {
    console.log(
      `${s.spec.name.padEnd(11)} ${String(s.spec.port).padEnd(5)} ${healthy[i] ? 'up    ' : 'DOWN  '}  ${s.logPath}`,
    );
  }
  const failed = running.filter((_, i) => !healthy[i]);
  if (failed.length > 0) {
    for (const s of failed) {
      console.error(
        `\n${s.spec.name} did not become healthy; /health says ${JSON.stringify((await healthOf(s.spec.port)).body)}`,
      );
      console.error(`last lines of ${s.logPath}:\n${tail(s.logPath)}`);
    }
    await stopAll('start-up failed');
    return 1;
  }
  console.log('\nall apps healthy: http://127.0.0.1:<port>/health and /metrics. Ctrl-C stops them.');
  await Promise.race(running.map((s) => s.exited));
  if (!stopping) {
    const dead = running.find((s) => s.child.exitCode !== null);
    console.error(
      `${dead?.spec.name ?? 'an app'} exited unexpectedly; see ${dead?.logPath ?? '.stack/logs'}`,
    );
    await stopAll('an app exited');
    return 1;
  }
  return 0;
}

process.exitCode = await main();
