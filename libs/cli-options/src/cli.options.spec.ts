import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { choiceOption, describeNumber, instantOption, numberOption, parseOptions } from './cli.options';

const usage = (pattern: RegExp) => (e: unknown) =>
  e instanceof Error && (e as { code?: string }).code === 'CONFIG_INVALID' && pattern.test(e.message);

describe(parseOptions.name, () => {
  const options = { in: { type: 'string' }, quiet: { type: 'boolean' } } as const;

  it('returns the values of known options', () => {
    assert.deepEqual({ ...parseOptions(['--in', 'd', '--quiet'], options).values }, { in: 'd', quiet: true });
  });

  it('names an unknown option and lists the known ones', () => {
    assert.throws(
      () => parseOptions(['--snapshot-at', 'x'], options),
      usage(/^unknown option --snapshot-at \(options: --in --quiet\)$/),
    );
  });

  it('names an option whose value is missing, and a flag given a value', () => {
    assert.throws(() => parseOptions(['--in'], options), usage(/^--in: expected a value/));
    assert.throws(() => parseOptions(['--quiet=1'], options), usage(/^--quiet: a flag/));
  });

  it('takes a negative number as the value of an option, so that the value is the one refused', () => {
    assert.equal(parseOptions(['--in', '-5'], options).values.in, '-5');
  });

  it('refuses a positional argument unless allowed', () => {
    assert.throws(() => parseOptions(['x'], options), usage(/unexpected argument "x"/));
    assert.deepEqual(parseOptions(['x'], options, { positionals: true }).positionals, ['x']);
  });
});

describe(numberOption.name, () => {
  it('falls back when absent and reads a number that fits', () => {
    assert.equal(numberOption('trees', undefined, { integer: true, min: 1 }, 100), 100);
    assert.equal(numberOption('trees', '7', { integer: true, min: 1 }, 100), 7);
    assert.equal(numberOption('rate', undefined, { above: 0 }), undefined);
  });

  it('says what it expected, naming the option', () => {
    assert.throws(
      () => numberOption('customers', '-5', { integer: true, min: 0 }, 1),
      usage(/^--customers: expected an integer >= 0, got "-5"$/),
    );
    assert.throws(() => numberOption('test-size', '1', { above: 0, below: 1 }, 0.2), usage(/> 0 and < 1/));
    assert.throws(() => numberOption('n', '', { integer: true }, 1), usage(/^--n: expected an integer/));
    assert.throws(() => numberOption('n', '1.5', { integer: true }, 1), usage(/got "1.5"/));
    assert.equal(describeNumber({}), 'a number');
  });
});

describe(choiceOption.name, () => {
  it('takes one of the choices and names the others', () => {
    assert.equal(choiceOption('format', 'csv', ['csv', 'ndjson'], 'csv'), 'csv');
    assert.throws(
      () => choiceOption('format', 'xml', ['csv', 'ndjson'], 'csv'),
      usage(/expected csv or ndjson/),
    );
  });
});

describe(instantOption.name, () => {
  it('takes an ISO date or time and refuses anything else', () => {
    assert.equal(instantOption('snapshot-at', '2026-06-30'), '2026-06-30');
    assert.throws(() => instantOption('snapshot-at', 'soon'), usage(/^--snapshot-at: expected an ISO-8601/));
  });
});
