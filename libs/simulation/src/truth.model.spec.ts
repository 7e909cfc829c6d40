import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { churnProbability, truthOf } from './truth.model';
import { generatePopulation } from './population.model';
import { sessionStream } from './session.stream';

describe(churnProbability.name, () => {
  const pop = generatePopulation({ customers: 5_000, sessions: 50_000, seed: 3 });
  // The predictive label: no purchase in (snapshot_at - 60 days, snapshot_at].
  const boughtAfterCutoff = new Uint8Array(pop.customerCount);
  for (const s of sessionStream(pop)) {
    if (s.products_purchased > 0 && s.session_end > pop.cutoffMs) boughtAfterCutoff[s.customer_index] = 1;
  }
  const probabilities = Array.from({ length: pop.customerCount }, (_, i) => churnProbability(pop, i));

  it('is a probability, and certain for customers who lapsed before the cutoff', () => {
    for (const [i, p] of probabilities.entries()) {
      assert.ok(p >= 0 && p <= 1, String(p));
      if ((pop.lapseAt[i] ?? Infinity) <= pop.cutoffMs) assert.equal(p, 1);
    }
  });

  it('is calibrated against the predictive label: mean probability within 0.03 of the observed rate', () => {
    let observed = 0;
    for (const b of boughtAfterCutoff) observed += 1 - b;
    observed /= pop.customerCount;
    const predicted = probabilities.reduce((a, b) => a + b, 0) / pop.customerCount;
    assert.ok(Math.abs(predicted - observed) < 0.03, `predicted ${predicted} observed ${observed}`);
  });

  it('separates the label well (AUC above 0.8)', () => {
    const pos: number[] = [];
    const neg: number[] = [];
    for (const [i, p] of probabilities.entries()) (boughtAfterCutoff[i] ? neg : pos).push(p);
    // AUC by ranks (ties count half).
    const all = [...pos.map((p) => [p, 1] as const), ...neg.map((p) => [p, 0] as const)].sort(
      (a, b) => a[0] - b[0],
    );
    let rankSum = 0;
    for (let k = 0; k < all.length;) {
      let j = k;
      while (j < all.length && all[j]?.[0] === all[k]?.[0]) j++;
      const rank = (k + j + 1) / 2;
      for (let m = k; m < j; m++) if (all[m]?.[1] === 1) rankSum += rank;
      k = j;
    }
    const auc = (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
    assert.ok(auc > 0.8, `AUC ${auc}`);
  });

  it('reports the latent lapse in the truth record', () => {
    for (let i = 0; i < 200; i++) {
      const t = truthOf(pop, i);
      assert.equal(t.true_churned, (pop.lapseAt[i] ?? Infinity) <= pop.snapshotAtMs);
      assert.equal(t.true_churn_date, t.true_churned ? pop.lapseAt[i] : null);
    }
  });
});
