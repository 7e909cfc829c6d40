import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { renderTemplate, templatePlaceholders } from './template.util';

describe(renderTemplate.name, () => {
  it('replaces every occurrence of each placeholder', () => {
    const out = renderTemplate('listeners=PLAINTEXT://127.0.0.1:{{port}}\nport={{ port }}\n', { port: 9092 });
    assert.equal(out, 'listeners=PLAINTEXT://127.0.0.1:9092\nport=9092\n');
  });

  it('leaves text without placeholders untouched, including ${env} syntax', () => {
    const text = 'path.data: ${ES_DATA}\n# {not a placeholder}\n';
    assert.equal(renderTemplate(text, {}), text);
  });

  it('names every placeholder that has no value', () => {
    assert.throws(
      () => renderTemplate('{{a}} {{b}} {{a}} {{c}}', { b: 'x' }, 'server.properties'),
      /server\.properties: no value for placeholder\(s\) \{\{a\}\}, \{\{c\}\}/,
    );
  });
});

describe(templatePlaceholders.name, () => {
  it('lists placeholders once, in order of appearance', () => {
    assert.deepEqual(templatePlaceholders('{{b}} {{a}} {{b}}'), ['b', 'a']);
  });
});
