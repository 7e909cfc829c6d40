import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { describe as describeColumns, mannWhitney } from './summary.stats';
import { Sql } from './sql.client';

void describe('summary statistics', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  let sql: Sql;
  before(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    sql = new Sql(connection);
    // x: churned 1 with values 1, 2, 2, 5, 7; churned 0 with 2, 3, 3, 4, 8, 9 (ties across and within groups).
    await sql.run(`CREATE TABLE t AS SELECT * FROM (VALUES
      (1, 1.0, 1), (1, 2.0, 2), (1, 2.0, 3), (1, 5.0, 4), (1, 7.0, NULL),
      (0, 2.0, 5), (0, 3.0, NULL), (0, 3.0, NULL), (0, 4.0, NULL), (0, 8.0, NULL), (0, 9.0, NULL)) v(g, x, y)`);
  });
  after(() => {
    connection.closeSync();
    instance.closeSync();
  });

  void it('matches pandas describe(): sample std, linearly interpolated quartiles, nulls left out', async () => {
    const d = await describeColumns(sql, 't', ['y'], 'g');
    // pandas: pd.Series([1, 2, 3, 4]).describe()
    assert.equal(d.by['1']?.y?.count, 4);
    assert.equal(d.by['1']?.y?.mean, 2.5);
    assert.ok(Math.abs((d.by['1']?.y?.std ?? 0) - 1.2909944487358056) < 1e-12);
    assert.equal(d.by['1']?.y?.['25%'], 1.75);
    assert.equal(d.by['1']?.y?.['75%'], 3.25);
    // A single value: std is undefined (NaN in pandas, null here).
    assert.equal(d.by['0']?.y?.count, 1);
    assert.equal(d.by['0']?.y?.std, null);
    assert.equal(d.by['0']?.y?.['50%'], 5);
    assert.equal(d.overall.y?.count, 5);
    assert.equal(d.overall.y?.max, 5);
  });

  void it('matches scipy.stats.mannwhitneyu with ties (U of the first group, two-sided p)', async () => {
    // scipy: mannwhitneyu([1, 2, 2, 5, 7], [2, 3, 3, 4, 8, 9]) -> statistic 9.0, pvalue 0.3097402725973859
    const r = await mannWhitney(sql, 't', 'x', 'g', 1, 0);
    assert.equal(r.n_x, 5);
    assert.equal(r.n_y, 6);
    assert.equal(r.u, 9);
    assert.ok(Math.abs(r.p_value - 0.3097402725973859) < 1e-12, `p = ${r.p_value}`);
    assert.equal(r.median_x, 2);
    assert.equal(r.median_y, 3.5);
    assert.equal(r.auc, 9 / 30);
  });
});
