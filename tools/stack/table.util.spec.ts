import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { renderTable } from './table.util';

describe(renderTable.name, () => {
  it('pads every column to its widest cell and trims trailing blanks', () => {
    const table = renderTable(
      ['server', 'port', 'health'],
      [
        ['redis', '6379', 'up'],
        ['elasticsearch', '9200', ''],
      ],
    );
    assert.equal(
      table,
      [
        'server         port  health',
        '-------------  ----  ------',
        'redis          6379  up',
        'elasticsearch  9200',
      ].join('\n'),
    );
  });

  it('renders a header-only table when there are no rows', () => {
    assert.equal(renderTable(['a'], []), 'a\n-');
  });
});
