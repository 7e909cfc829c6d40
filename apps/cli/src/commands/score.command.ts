/**
 * `score`: loads model.json and scores every customer of a dataset folder with features as of the
 * dataset's snapshot_at (all sessions folded), writing customer_id, churn_probability, churn_predicted.
 * Features come from libs/churn's customerFeatures and probabilities from libs/model's scorer, as in the
 * live scoring service (which scores one aggregate at a time; this scores all of them in one batch).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { parseOptions, usageError } from '@churnstream/cli-options';
import { scoreDataset } from '@churnstream/model-data';
import type { CliCommand } from '../cli.command';

const HELP = `usage: npm run cli -- score --model MODELDIR/model.json --in DIR --out FILE

  --model FILE   the model.json written by train
  --in DIR       dataset folder (customers.csv, sessions.csv, manifest.json)
  --out FILE     CSV to write: customer_id,churn_probability,churn_predicted,threshold,model_version
                 (what \`load --scores\` reads)`;

export const command: CliCommand = {
  summary: 'score every customer of a dataset with a trained model (features as of snapshot_at)',
  async run(argv: string[]): Promise<number> {
    const { values } = parseOptions(argv, {
      model: { type: 'string' },
      in: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      console.log(HELP);
      return 0;
    }
    if (values.model === undefined || values.in === undefined || values.out === undefined) {
      throw usageError('--model FILE, --in DIR and --out FILE are required');
    }
    if (!existsSync(resolve(values.in))) {
      throw usageError(`--in ${resolve(values.in)}: no such dataset folder`);
    }
    const started = performance.now();
    const { model, snapshotAtMs, scores, scoreMs } = await scoreDataset(
      resolve(values.model),
      resolve(values.in),
    );
    const lines = ['customer_id,churn_probability,churn_predicted,threshold,model_version'];
    for (const s of scores) {
      lines.push(
        `${s.customer_id},${String(s.churn_probability)},${s.churn_predicted ? 1 : 0},${s.threshold},${s.model_version}`,
      );
    }
    const flagged = scores.filter((s) => s.churn_predicted).length;
    const out = resolve(values.out);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, lines.join('\n') + '\n');

    const n = scores.length;
    console.log(
      [
        `score: ${n.toLocaleString('en')} customers with model ${model.version} as of ${new Date(snapshotAtMs).toISOString()}`,
        `  predicted churn ${flagged.toLocaleString('en')} (${((100 * flagged) / Math.max(1, n)).toFixed(1)}%) at threshold ${model.threshold}`,
        `  features + scoring ${scoreMs.toFixed(0)} ms (${((1000 * scoreMs) / Math.max(1, n)).toFixed(1)} µs/customer); ` +
          `total ${((performance.now() - started) / 1000).toFixed(2)} s`,
        `  wrote ${out}`,
      ].join('\n'),
    );
    return 0;
  },
};
