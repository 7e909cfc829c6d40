/**
 * `npm run cli -- <command> [options]`: the batch side of churnstream. Each command lives in
 * `commands/<name>.command.ts` and exports `command: CliCommand`; this file only dispatches, so
 * commands can be added without touching it. Errors end the process with a non-zero code and a
 * message that names the file, line, field or option at fault.
 */
import { readdirSync } from 'node:fs';
import { extname } from 'node:path';
import { runMain, usageError } from '@churnstream/cli-options';
import type { CliCommand } from './cli.command';

const commandsDir = new URL('./commands/', import.meta.url);
// `.ts` from source (tsx), `.js` from the build (nest build): the commands carry the same extension.
const ext = extname(new URL(import.meta.url).pathname);

function available(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith(`.command${ext}`))
    .map((f) => f.slice(0, -`.command${ext}`.length))
    .sort();
}

async function load(name: string): Promise<CliCommand> {
  const mod = (await import(new URL(`${name}.command${ext}`, commandsDir).href)) as { command: CliCommand };
  return mod.command;
}

async function usage(): Promise<string> {
  const lines = ['usage: npm run cli -- <command> [options]', '', 'commands:'];
  for (const name of available()) lines.push(`  ${name.padEnd(10)} ${(await load(name)).summary}`);
  lines.push('', 'npm run cli -- <command> --help shows the options of one command.');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name === undefined ? 1 : 0;
  }
  if (!available().includes(name)) {
    throw usageError(`unknown command "${name}" (commands: ${available().join(', ')})`);
  }
  return (await load(name)).run(rest);
}

const argv = process.argv.slice(2);
runMain(
  argv[0] === undefined ? 'cli' : `cli ${argv[0]}`,
  () => main(argv),
  argv[0] === undefined || !available().includes(argv[0])
    ? {}
    : { hint: `(npm run cli -- ${argv[0]} --help lists the options)` },
);
