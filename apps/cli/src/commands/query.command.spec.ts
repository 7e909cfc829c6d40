import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQueryArgs, render } from './query.command';

describe('query command', () => {
  it('takes the query name, --key value and --key=value parameters, and its own flags', () => {
    assert.deepEqual(parseQueryArgs(['churn-rate', '--by', 'device_type', '--json', '--index-prefix=p']), {
      name: 'churn-rate',
      params: { by: 'device_type' },
      json: true,
      help: false,
      prefix: 'p',
    });
  });

  it('refuses an option without a value', () => {
    assert.throws(() => parseQueryArgs(['top-churn-risk', '--n']), /--n needs a value/);
  });

  it('renders scalars, then arrays of objects as tables', () => {
    const text = render({ customers: 2, genders: [{ gender: 'female', customers: 2 }] });
    assert.match(text, /^customers\s+2/);
    assert.match(text, /genders \(1\)\ngender\s+customers/);
  });
});
