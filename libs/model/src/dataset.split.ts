/**
 * Stratified, seeded train/test split: each class is shuffled on its own and the same share of it goes
 * to the test set, so both sets keep the churn rate of the whole (within one customer per class).
 */
import { Mulberry32 } from '@churnstream/forest';

/** Returns, for each example, true when it belongs to the test set. */
export function stratifiedSplit(labels: readonly number[], testSize: number, seed: number): boolean[] {
  if (!(testSize > 0 && testSize < 1)) throw new RangeError(`test size must be in (0, 1), got ${testSize}`);
  const rng = new Mulberry32(seed);
  const isTest = new Array<boolean>(labels.length).fill(false);
  for (const cls of [...new Set(labels)].sort((a, b) => a - b)) {
    const members: number[] = [];
    labels.forEach((l, i) => {
      if (l === cls) members.push(i);
    });
    for (let i = members.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const tmp = members[i] ?? 0;
      members[i] = members[j] ?? 0;
      members[j] = tmp;
    }
    const nTest = Math.round(members.length * testSize);
    for (let k = 0; k < nTest; k++) isTest[members[k] ?? 0] = true;
  }
  return isTest;
}
