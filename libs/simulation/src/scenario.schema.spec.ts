import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '@churnstream/errors';
import { DEFAULT_SCENARIO, resolveScenario } from './scenario.schema';

describe(resolveScenario.name, () => {
  it('returns the documented defaults when nothing is overridden', () => {
    assert.deepEqual(resolveScenario({}), DEFAULT_SCENARIO);
  });

  it('merges nested overrides key by key, keeping the other defaults', () => {
    const s = resolveScenario({ lapse: { ratePerYear: 1.5 }, windowDays: 90 });
    assert.equal(s.lapse.ratePerYear, 1.5);
    assert.equal(s.lapse.visitFactor, DEFAULT_SCENARIO.lapse.visitFactor);
    assert.equal(s.windowDays, 90);
  });

  it('names the field of a wrong type or range, with the source', () => {
    assert.throws(
      () => resolveScenario({ funnel: { abandonmentRate: 'high' } }, 'file.json'),
      (e: unknown) =>
        e instanceof AppError &&
        e.code === 'CONFIG_INVALID' &&
        /file\.json: scenario\.funnel\.abandonmentRate/.test(e.message),
    );
    assert.throws(() => resolveScenario({ windowDays: 10 }), /scenario\.windowDays/);
    assert.throws(() => resolveScenario({ hourlyActivity: [1, 2] }), /scenario\.hourlyActivity/);
  });

  it('rejects an unknown knob, naming it', () => {
    assert.throws(() => resolveScenario({ lapse: { rate: 1 } }), /scenario\.lapse.*rate/);
    assert.throws(() => resolveScenario({ churnRate: 0.3 }), /churnRate/);
  });

  it('rejects a scenario that is not an object', () => {
    assert.throws(() => resolveScenario([1, 2], 'list.json'), /list\.json/);
  });
});
