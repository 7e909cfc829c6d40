/** Test helper: a fixture dataset loaded, assessed, cleaned and derived, ready for SQL assertions. */
import { openDataset, writeDatasetFixture, type Dataset, type FixtureFiles } from '@churnstream/dataset';
import { cleanDataset, type CleaningResult } from './cleaning.policy';
import { deriveFeatures } from './features.derive';
import { assessQuality, type QualityFiles } from './quality.report';
import { Sql } from './sql.client';

export interface Prepared {
  ds: Dataset;
  sql: Sql;
  quality: QualityFiles;
  cleaning: CleaningResult;
  close(): Promise<void>;
}

export async function prepare(files: FixtureFiles, snapshotAt?: string): Promise<Prepared> {
  const fixture = await writeDatasetFixture(files);
  const ds = await openDataset(fixture.dir, snapshotAt === undefined ? {} : { snapshotAt });
  try {
    const sql = new Sql(ds.connection);
    const quality = await assessQuality(sql, ds);
    const cleaning = await cleanDataset(sql, ds, quality);
    await deriveFeatures(sql, { snapshotAt: ds.snapshotAt });
    return {
      ds,
      sql,
      quality,
      cleaning,
      close: async () => {
        ds.close();
        await fixture.cleanup();
      },
    };
  } catch (error) {
    ds.close();
    await fixture.cleanup();
    throw error;
  }
}
