/**
 * The hook for the model issue: when a model folder with metrics.json is given (or REPORT/model/
 * exists), the report gains a model section. metrics.json is read tolerantly, since the trainer
 * owns its format: scalar metrics, a confusion matrix ({tn, fp, fn, tp} or [[tn, fp], [fn, tp]]),
 * feature importance ({feature: value} or [{feature, importance}]) and a ROC curve ([{fpr, tpr}] or
 * {fpr: [], tpr: []}) are picked up when present.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderSvg, svgToPng, type Chart } from './charts.render';

export interface ModelSection {
  source: string;
  metrics: Record<string, number>;
  confusion: { tn: number; fp: number; fn: number; tp: number } | null;
  importance: { feature: string; importance: number }[];
  charts: Chart[];
}

type Json = Record<string, unknown>;

function confusionOf(v: unknown): ModelSection['confusion'] {
  if (Array.isArray(v) && v.length === 2) {
    const [[tn, fp] = [], [fn, tp] = []] = v as unknown[][];
    if (
      typeof tn === 'number' &&
      typeof fp === 'number' &&
      typeof fn === 'number' &&
      typeof tp === 'number'
    ) {
      return { tn, fp, fn, tp };
    }
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Json;
    if (['tn', 'fp', 'fn', 'tp'].every((k) => typeof o[k] === 'number')) {
      return { tn: o.tn as number, fp: o.fp as number, fn: o.fn as number, tp: o.tp as number };
    }
  }
  return null;
}

function importanceOf(v: unknown): ModelSection['importance'] {
  if (Array.isArray(v)) {
    return v
      .filter((x): x is Json => x !== null && typeof x === 'object')
      .map((x) => ({ feature: String(x.feature ?? x.name), importance: Number(x.importance ?? x.value) }))
      .filter((x) => Number.isFinite(x.importance));
  }
  if (v !== null && typeof v === 'object') {
    return Object.entries(v as Json)
      .filter(([, x]) => typeof x === 'number')
      .map(([feature, x]) => ({ feature, importance: x as number }));
  }
  return [];
}

function rocOf(v: unknown): { fpr: number; tpr: number }[] {
  if (Array.isArray(v)) {
    return v
      .filter((x): x is Json => x !== null && typeof x === 'object')
      .map((x) => ({ fpr: Number(x.fpr), tpr: Number(x.tpr) }));
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Json;
    if (Array.isArray(o.fpr) && Array.isArray(o.tpr)) {
      const tpr = o.tpr as number[];
      return (o.fpr as number[]).map((fpr, i) => ({ fpr, tpr: tpr[i] ?? 0 }));
    }
  }
  return [];
}

export async function loadModelSection(modelDir: string, chartsDir: string): Promise<ModelSection | null> {
  const source = join(modelDir, 'metrics.json');
  let json: Json;
  try {
    json = JSON.parse(await readFile(source, 'utf8')) as Json;
  } catch {
    return null;
  }
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(json)) if (typeof v === 'number') metrics[k] = v;
  const confusion = confusionOf(json.confusion_matrix ?? json.confusion);
  const importance = importanceOf(json.feature_importance ?? json.importance).sort(
    (a, b) => b.importance - a.importance,
  );
  const roc = rocOf(json.roc_curve ?? json.roc);
  const charts: Chart[] = [];
  const font = { font: 'DejaVu Sans', background: 'white' };
  if (roc.length > 0) {
    const spec = {
      title: { text: 'ROC curve of the churn model', subtitle: 'test split; dashed: chance' },
      width: 360,
      height: 360,
      config: font,
      layer: [
        {
          data: { values: roc },
          mark: { type: 'line', color: '#e45756' },
          encoding: {
            x: { field: 'fpr', type: 'quantitative', title: 'False positive rate' },
            y: { field: 'tpr', type: 'quantitative', title: 'True positive rate' },
          },
        },
        {
          data: { values: [{ x: 0 }, { x: 1 }] },
          mark: { type: 'line', strokeDash: [4, 4], color: '#888' },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'x', type: 'quantitative' } },
        },
      ],
    };
    charts.push({ name: 'model_roc', title: 'ROC curve', svg: await renderSvg(spec) });
  }
  if (importance.length > 0) {
    const spec = {
      title: 'Feature importance of the churn model',
      width: 420,
      height: Math.max(120, importance.length * 22),
      config: font,
      data: { values: importance },
      mark: { type: 'bar', color: '#4c78a8' },
      encoding: {
        y: { field: 'feature', type: 'nominal', sort: '-x', title: 'Feature' },
        x: { field: 'importance', type: 'quantitative', title: 'Importance' },
      },
    };
    charts.push({ name: 'model_importance', title: 'Feature importance', svg: await renderSvg(spec) });
  }
  for (const c of charts) {
    await writeFile(join(chartsDir, `${c.name}.svg`), c.svg);
    await writeFile(join(chartsDir, `${c.name}.png`), await svgToPng(c.svg));
  }
  return { source, metrics, confusion, importance, charts };
}
