import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseGeneratorArgs } from './generator.options';

describe(parseGeneratorArgs.name, () => {
  it('takes a warm-up with a simulated speed, and none by default', () => {
    assert.equal(parseGeneratorArgs(['--speed', '21600', '--warm-up-days', '60']).stream.warmUpDays, 60);
    assert.equal(parseGeneratorArgs(['--speed', '21600']).stream.warmUpDays, 0);
  });

  it('names the option when the warm-up is negative, not a number, or has no speed to apply to', () => {
    assert.throws(() => parseGeneratorArgs(['--speed', '10', '--warm-up-days=-1']), /--warm-up-days: .*"-1"/);
    assert.throws(() => parseGeneratorArgs(['--speed', '10', '--warm-up-days', 'two']), /--warm-up-days/);
    assert.throws(
      () => parseGeneratorArgs(['--rate', '100', '--warm-up-days', '5']),
      /only applies with --speed/,
    );
  });

  it('refuses two paces at once', () => {
    assert.throws(() => parseGeneratorArgs(['--speed', '10', '--rate', '5']), /exclude each other/);
  });

  it('replays a folder with --from, which excludes the options of a generated population', () => {
    const args = parseGeneratorArgs(['--from', '/tmp/shop', '--speed', '86400', '--tick-hours', '24']);
    assert.equal(args.from, '/tmp/shop');
    assert.equal(args.stream.tickEveryMs, 86_400_000);
    assert.equal(parseGeneratorArgs([]).from, null);
    assert.throws(
      () => parseGeneratorArgs(['--from', '/tmp/shop', '--seed', '3']),
      /--seed: .*--from replays/,
    );
  });
});
