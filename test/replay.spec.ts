import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCents, generatePopulation, sessionStream } from '@churnstream/simulation';
import { type PipelineRun, compareWithExpected, expectedFromFolder, pipelineRun } from './support';

const root = new URL('../', import.meta.url).pathname;

function cli(args: string[]): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`cli ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * A purchase log the way public ones come (customer, day as yyyymmdd, quantity, amount; whitespace
 * between columns; no sessions, funnel, devices, payments or demographics): a small generated shop's
 * purchases, with two rows import must reject.
 */
function writePurchaseLog(path: string): void {
  const out = ['customer_id date qty amount'];
  for (const s of sessionStream(generatePopulation({ customers: 300, sessions: 3_000, seed: 23 }))) {
    if (s.products_purchased === 0) continue;
    const day = new Date(s.session_start).toISOString().slice(0, 10).replaceAll('-', '');
    out.push(`${s.customer_id} ${day} ${s.products_purchased} ${formatCents(s.total_spent_cents)}`);
  }
  out.push('C000001 20260231 1 5.00', 'C000002 20260301 1 abc');
  writeFileSync(path, out.join('\n') + '\n');
}

describe('an imported transaction log replayed through the pipeline (generator --from)', () => {
  let dir: string;
  let shop: string;
  let run: PipelineRun;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'churnstream-replay-'));
    shop = join(dir, 'shop');
    writePurchaseLog(join(dir, 'log.txt'));
    const imported = cli([
      'import',
      '--in',
      join(dir, 'log.txt'),
      '--out',
      shop,
      '--customer-id',
      'customer_id',
      '--time',
      'date:%Y%m%d',
      '--quantity',
      'qty',
      '--amount',
      'amount',
    ]);
    assert.match(imported, /rejected 2/);
    cli(['train', '--in', shop, '--out', join(dir, 'model'), '--trees', '10', '--min-samples-leaf', '5']);
    run = pipelineRun('replay', join(dir, 'model', 'model.json'));
  });

  after(async () => {
    await run.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends with Elasticsearch equal to the batch computation on the imported folder, with no dead letter', async () => {
    assert.deepEqual(await run.startApps(3970), [], 'every app healthy');
    const streamed = await run.stream(3970, ['--from', shop, '--max-speed', '--tick-hours', '24']);
    assert.equal(streamed.exitCode, 0, streamed.log);
    assert.doesNotMatch(streamed.log, /left out/, 'the replay uses every row import wrote');

    const expected = await expectedFromFolder(shop);
    assert.ok(expected.customers.size > 100 && expected.sessions > 500, 'a folder worth the name');
    assert.ok(
      [...expected.customers.values()].some((c) => c.churned) &&
        [...expected.customers.values()].some((c) => !c.churned),
      'churned and active customers both',
    );
    const difference = await compareWithExpected(
      run.es,
      run.stack.index,
      expected.customers,
      expected.sessions,
    );
    assert.deepEqual(difference.sessions, { indexed: expected.sessions, expected: expected.sessions });
    assert.equal(difference.customers.indexed, difference.customers.expected);
    assert.deepEqual(difference.mismatches.slice(0, 5), []);

    assert.equal(
      await run.deadLetters(),
      0,
      'no dead letters: every event the replay built meets its contract',
    );
  });
});
