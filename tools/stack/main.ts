// CLI of the native local stack: node --import tsx tools/stack/main.ts up|down|status|reset [server ...]
// Exit code 0 when the command achieved what it says, 1 otherwise. `up` ends with a machine-readable
// line, STACK_STARTED=<servers it started>, so a test runner can bring down only those.
import {
  displayPath,
  SERVER_NAMES,
  type ServerFailure,
  type ServerName,
  type ServerStatus,
  stackDown,
  stackKill,
  stackReset,
  stackStatus,
  stackUp,
} from './stack';
import { isServerName } from './server.types';
import { loadStackConfig, type StackConfig } from './stack.config';
import { renderTable } from './table.util';

const USAGE = `usage: node --import tsx tools/stack/main.ts <up|down|kill|status|reset> [--secure] [${SERVER_NAMES.join('|')} ...]

  --secure  the secured stack, beside the plain one on its own ports (Redis 6380 TLS, Kafka 9094
            SASL_SSL/SCRAM-SHA-512, Elasticsearch 9201 https) and folders (.stack/secure); \`up\`
            writes the credentials to .stack/secure/secure.env (set -a; . .stack/secure/secure.env)

  up      start what is not running, wait for health; last line STACK_STARTED=<started servers>
  down    stop the servers (SIGTERM, SIGKILL after 20 s)
  kill    SIGKILL the servers at once, as a crash would (fault tests); \`up\` restarts them on their data
  status  table of the servers; exit 1 unless all are up
  reset   down, then delete .stack/data (the download cache stays)

environment: STACK_REDIS_PORT (6379) STACK_KAFKA_PORT (9092) STACK_KAFKA_CONTROLLER_PORT (9093)
             STACK_ES_PORT (9200) STACK_ES_TRANSPORT_PORT (9300) STACK_JAVA_HOME
             STACK_SECURE_{REDIS,KAFKA,KAFKA_CONTROLLER,ES,ES_TRANSPORT}_PORT (6380, 9094, 9095, 9201, 9301)
             STACK_{REDIS,KAFKA,ES}_HEALTH_TIMEOUT_MS (10000, 60000, 120000) STACK_STOP_TIMEOUT_MS (20000)`;

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function printFailures(failures: readonly ServerFailure[]): void {
  for (const failure of failures) {
    process.stderr.write(`\n[${failure.server}] FAILED: ${failure.message}\n`);
    if (failure.detail) process.stderr.write(`${failure.detail}\n`);
  }
}

function statusTable(rows: readonly ServerStatus[]): string {
  return renderTable(
    ['server', 'version', 'listens on', 'pid', 'health', 'log'],
    rows.map((row) => [
      row.server,
      row.version,
      `${row.host}:${row.ports.join('/')}`,
      row.pid === undefined ? '-' : String(row.pid),
      row.health,
      displayPath(row.logFile),
    ]),
  );
}

async function up(servers: readonly ServerName[] | undefined, config: StackConfig): Promise<number> {
  const began = Date.now();
  const result = await stackUp({ servers, config, log: print });
  printFailures(result.failed);
  const rows = await stackStatus({ servers, config });
  print('');
  print(statusTable(rows));
  const parts = [
    result.started.length > 0 ? `started ${result.started.join(', ')}` : '',
    result.alreadyRunning.length > 0 ? `already running: ${result.alreadyRunning.join(', ')}` : '',
    result.failed.length > 0 ? `FAILED: ${result.failed.map((f) => f.server).join(', ')}` : '',
  ].filter((part) => part !== '');
  print(`\nstack up: ${parts.join('; ')} (${((Date.now() - began) / 1000).toFixed(1)} s)`);
  print(`STACK_STARTED=${result.started.join(',')}`);
  return result.ok ? 0 : 1;
}

async function down(
  servers: readonly ServerName[] | undefined,
  config: StackConfig,
  how: 'down' | 'reset' | 'kill',
): Promise<number> {
  const options = { servers, config, log: print };
  const result =
    how === 'reset'
      ? await stackReset(options)
      : how === 'kill'
        ? await stackKill(options)
        : await stackDown(options);
  printFailures(result.failed);
  const parts = [
    result.stopped.length > 0 ? `stopped ${result.stopped.join(', ')}` : '',
    result.notRunning.length > 0 ? `not running: ${result.notRunning.join(', ')}` : '',
    result.failed.length > 0 ? `FAILED: ${result.failed.map((f) => f.server).join(', ')}` : '',
  ].filter((part) => part !== '');
  print(`stack ${how}: ${parts.join('; ')}`);
  return result.ok ? 0 : 1;
}

async function status(servers: readonly ServerName[] | undefined, config: StackConfig): Promise<number> {
  const rows = await stackStatus({ servers, config });
  print(statusTable(rows));
  return rows.every((row) => row.health === 'up') ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const secure = rest.includes('--secure');
  const names = rest.filter((arg) => arg !== '--secure');
  const unknown = names.filter((name) => !isServerName(name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown server(s): ${unknown.join(', ')}\n${USAGE}\n`);
    return 1;
  }
  const servers = names.length > 0 ? names.filter(isServerName) : undefined;
  const config = (): StackConfig => loadStackConfig(process.env, secure ? 'secure' : 'plain');
  switch (command) {
    case 'up':
      return up(servers, config());
    case 'down':
      return down(servers, config(), 'down');
    case 'kill':
      return down(servers, config(), 'kill');
    case 'reset':
      return down(servers, config(), 'reset');
    case 'status':
      return status(servers, config());
    case 'help':
    case '--help':
    case '-h':
      print(USAGE);
      return 0;
    default:
      process.stderr.write(
        `${command === undefined ? 'no command' : `unknown command: ${command}`}\n${USAGE}\n`,
      );
      return 1;
  }
}

// Ctrl-C during `up` goes through process.exit so that the lock file is released ('exit' handlers).
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

// Exit explicitly: a client's lingering timer must not keep a finished command waiting.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`stack: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
