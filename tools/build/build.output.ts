/**
 * The compiled build (`nest build <project>`, nest-cli.json): SWC writes the whole tree, apps and
 * libs, under dist/ with the source layout, so an app's entry `apps/<app>/src/main.ts` runs as
 * `node dist/apps/<app>/src/main.js` and files it reads next to its source (copied as assets) sit
 * beside it there too.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const BUILD_DIR = 'dist';

/** The build output of a source entry file, relative to the repository root. */
export function compiledEntry(entry: string): string {
  if (!entry.endsWith('.ts')) throw new Error(`not a TypeScript entry file: ${entry}`);
  return join(BUILD_DIR, `${entry.slice(0, -'.ts'.length)}.js`);
}

/**
 * Runs `nest build [project]` with the repository's own CLI; the output names what failed. Every
 * project compiles the whole tree (one builder configuration), so any of them gives every entry.
 */
export function nestBuild(root: string, project?: string): { ok: boolean; output: string } {
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/@nestjs/cli/bin/nest.js'),
      'build',
      ...(project === undefined ? [] : [project]),
    ],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}
