import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emailPart } from './locale.pools';

describe(emailPart.name, () => {
  it('lower-cases plain names and folds accents, apostrophes and hyphens away', () => {
    assert.equal(emailPart('Smith'), 'smith');
    assert.equal(emailPart("Zoë O'Brien"), 'zoeobrien');
    assert.equal(emailPart('Anne-Marie'), 'annemarie');
    assert.equal(emailPart('José Núñez'), 'josenunez');
    assert.equal(emailPart(''), '');
  });
});
