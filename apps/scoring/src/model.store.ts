import { stat } from 'node:fs/promises';
import { type ChurnModel, loadModel } from '@churnstream/model';

/**
 * The model file adapter: loads the artifact at start-up (a missing or invalid file stops the service
 * with the path named) and checks the file every few seconds, so a newly trained model is picked up
 * without a restart. A broken new file keeps the current model serving and is reported.
 */
export class ModelStore {
  private timer?: NodeJS.Timeout;
  private mtimeMs = 0;

  private constructor(
    private readonly path: string,
    private model: ChurnModel,
    private readonly onReload: (event: { version?: string; error?: string }) => void,
  ) {}

  static async open(
    path: string,
    onReload: (event: { version?: string; error?: string }) => void = () => undefined,
  ): Promise<ModelStore> {
    const store = new ModelStore(path, await loadModel(path), onReload);
    store.mtimeMs = (await stat(path)).mtimeMs;
    return store;
  }

  get current(): ChurnModel {
    return this.model;
  }

  watch(intervalMs = 3_000): void {
    this.timer = setInterval(() => void this.reloadIfChanged(), intervalMs);
    this.timer.unref();
  }

  async reloadIfChanged(): Promise<boolean> {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(this.path)).mtimeMs;
    } catch {
      return false;
    }
    if (mtimeMs === this.mtimeMs) return false;
    this.mtimeMs = mtimeMs;
    try {
      this.model = await loadModel(this.path);
      this.onReload({ version: this.model.version });
      return true;
    } catch (error) {
      this.onReload({ error: error instanceof Error ? error.message : String(error) });
      return false;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
