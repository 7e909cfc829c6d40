/**
 * Static checks of the deployment files (docker-compose.yml, k8s/, dashboards/), for
 * deploy.spec.ts: schema validators over the vendored published schemas, parsers of the native
 * stack's config files, and the extraction of every index and field a dashboard references.
 * Nothing here talks to a server; this machine has no Docker engine and no cluster.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const K8S_SCHEMA_DIR = join(REPO_ROOT, 'k8s', 'schemas', 'v1.33.0-local-strict');
export const COMPOSE_SCHEMA = join(REPO_ROOT, 'tools', 'deploy', 'schemas', 'compose-spec.json');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = Record<string, Json>;

export const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

/** A YAML/JSON scalar as text ('' when absent); objects and arrays as JSON. */
export function text(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The value, or a failure naming what was expected. */
export function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`missing: ${what}`);
  return value;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every document of a YAML file, with merge keys (`<<: *anchor`) resolved as Compose does. */
export function yamlDocuments(path: string): JsonObject[] {
  return parseAllDocuments(read(path), { merge: true })
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as unknown;
    })
    .filter(isObject);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The OpenAPI integer and byte formats the Kubernetes schemas use, checked instead of ignored. */
function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i);
  ajv.addFormat('duration', true);
  return ajv;
}

export function composeValidator(): ValidateFunction {
  return newAjv().compile(JSON.parse(readFileSync(COMPOSE_SCHEMA, 'utf8')) as object);
}

/** One validator per kind, from the kubernetes-validate (local-strict) file naming. */
export class KubernetesSchemas {
  private readonly ajv = newAjv();
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    this.ajv.addSchema(JSON.parse(readFileSync(join(K8S_SCHEMA_DIR, '_definitions.json'), 'utf8')) as object);
  }

  /** e.g. Deployment + apps/v1 -> deployment-apps-v1.json; HorizontalPodAutoscaler + autoscaling/v2 -> ...-autoscaling-v2. */
  static fileFor(kind: string, apiVersion: string): string {
    const api = apiVersion.replace(/^([^./]*)(?:\.[^/]*)?\//, '$1-');
    return `${kind.toLowerCase()}-${api}.json`;
  }

  validator(kind: string, apiVersion: string): ValidateFunction {
    const file = KubernetesSchemas.fileFor(kind, apiVersion);
    let validate = this.cache.get(file);
    if (!validate) {
      validate = this.ajv.compile(JSON.parse(readFileSync(join(K8S_SCHEMA_DIR, file), 'utf8')) as object);
      this.cache.set(file, validate);
    }
    return validate;
  }
}

export function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('\n');
}

/**
 * Compose's variable interpolation with an empty environment, so the file is validated as
 * `docker compose config` would see it without a .env: `${VAR:-default}` / `${VAR-default}` become
 * the default, `${VAR}` and `$VAR` the empty string, `$$` a literal `$`.
 */
export function interpolate(value: Json, variables: Set<string> = new Set()): Json {
  if (typeof value === 'string') {
    return value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (m, braced, dflt, bare) => {
        if (m === '$$') return '$';
        variables.add(String(braced ?? bare));
        return typeof dflt === 'string' ? dflt : '';
      },
    );
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, variables));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, variables)]));
  }
  return value;
}

/** key=value lines of a Java properties file (no continuation lines in ours). */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return out;
}

/** `directive args...` lines of redis.conf; quoted empty strings kept as ''. */
export function parseRedisConf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (key) out.set(key, rest.join(' ').replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

export const hasPlaceholder = (value: string): boolean => value.includes('{{');

// ---------------------------------------------------------------------------------------------
// Fields referenced by the dashboards

/** How a dashboard uses a field, and so which mapping types fit. */
export type FieldUse = 'terms' | 'numeric' | 'numeric-or-date' | 'date' | 'boolean' | 'any';

export interface FieldRef {
  /** The Elasticsearch index (not the data view id). */
  index: string;
  field: string;
  use: FieldUse;
  /** Where it is referenced, for the failure message. */
  where: string;
}

const NUMERIC = new Set([
  'integer',
  'long',
  'short',
  'byte',
  'float',
  'double',
  'half_float',
  'scaled_float',
]);
const AGGREGATABLE = new Set([...NUMERIC, 'keyword', 'boolean', 'date', 'ip']);

export function typeFits(use: FieldUse, type: string): boolean {
  switch (use) {
    case 'numeric':
      return NUMERIC.has(type);
    case 'numeric-or-date':
      return NUMERIC.has(type) || type === 'date';
    case 'date':
      return type === 'date';
    case 'boolean':
      return type === 'boolean';
    case 'terms':
      return AGGREGATABLE.has(type);
    case 'any':
      return true;
  }
}

const AGG_USE: Record<string, FieldUse> = {
  terms: 'terms',
  significant_terms: 'terms',
  cardinality: 'terms',
  histogram: 'numeric',
  range: 'numeric',
  date_histogram: 'date',
  date_range: 'date',
  avg: 'numeric',
  sum: 'numeric',
  median: 'numeric',
  percentiles: 'numeric',
  std_dev: 'numeric',
  extended_stats: 'numeric',
  min: 'numeric-or-date',
  max: 'numeric-or-date',
  top_hits: 'any',
  value_count: 'any',
  count: 'any',
};

/** `doc['field']` in a Painless script. */
export function scriptFields(source: string): string[] {
  return [...source.matchAll(/doc\[['"]([^'"]+)['"]\]/g)].map((m) => m[1] ?? '');
}

/** `field:value` in a KQL or Lucene query string; `field:true|false` asks for a boolean field. */
export function queryFields(query: string): { field: string; use: FieldUse }[] {
  return [...query.matchAll(/(?:^|[\s(])([A-Za-z_][A-Za-z0-9_.]*)\s*:\s*(\S*)/g)].map((m) => ({
    field: m[1] ?? '',
    use: /^(true|false)\)?$/.test(m[2] ?? '') ? 'boolean' : 'any',
  }));
}

/** Fields of an Elasticsearch query/aggregation body (as a Vega spec sends it). */
export function bodyFieldRefs(index: string, body: Json, where: string, out: FieldRef[] = []): FieldRef[] {
  if (Array.isArray(body)) {
    for (const item of body) bodyFieldRefs(index, item, where, out);
    return out;
  }
  if (!isObject(body)) return out;
  for (const [key, value] of Object.entries(body)) {
    if (key in AGG_USE && isObject(value) && typeof value.field === 'string') {
      out.push({ index, field: value.field, use: AGG_USE[key] ?? 'any', where: `${where} ${key}` });
    } else if (
      (key === 'term' || key === 'terms' || key === 'match') &&
      isObject(value) &&
      !('field' in value)
    ) {
      for (const [field, v] of Object.entries(value)) {
        out.push({
          index,
          field,
          use: typeof v === 'boolean' ? 'boolean' : 'terms',
          where: `${where} ${key} query`,
        });
      }
    } else if (key === 'exists' && isObject(value) && typeof value.field === 'string') {
      out.push({ index, field: value.field, use: 'any', where: `${where} exists` });
    }
    bodyFieldRefs(index, value, where, out);
  }
  return out;
}

export interface KibanaObject {
  type: string;
  id: string;
  attributes: JsonObject;
  references: { name: string; type: string; id: string }[];
}

export function kibanaObjects(ndjson: string): KibanaObject[] {
  return ndjson
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as KibanaObject);
}

interface RuntimeField {
  type: string;
  script?: { source: string };
}

export interface KibanaAnalysis {
  refs: FieldRef[];
  /** data view id -> its index pattern (title). */
  dataViews: Map<string, string>;
  /** index -> runtime field -> type. */
  runtimeFields: Map<string, Map<string, string>>;
  problems: string[];
}

/** Every field the saved objects use, resolved to the index behind each data view. */
export function analyzeKibana(objects: KibanaObject[]): KibanaAnalysis {
  const refs: FieldRef[] = [];
  const problems: string[] = [];
  const dataViews = new Map<string, string>();
  const runtimeFields = new Map<string, Map<string, string>>();
  for (const o of objects.filter((x) => x.type === 'index-pattern')) {
    const title = text(o.attributes.title);
    dataViews.set(o.id, title);
    const runtime = JSON.parse(text(o.attributes.runtimeFieldMap ?? '{}')) as Record<string, RuntimeField>;
    const fields = new Map<string, string>();
    for (const [name, def] of Object.entries(runtime)) {
      fields.set(name, def.type);
      for (const field of scriptFields(def.script?.source ?? '')) {
        refs.push({ index: title, field, use: 'any', where: `runtime field ${name} of data view ${o.id}` });
      }
    }
    runtimeFields.set(title, fields);
  }
  const indexOf = (o: KibanaObject): string | undefined => {
    const ref = o.references.find((r) => r.name === 'kibanaSavedObjectMeta.searchSourceJSON.index');
    if (!ref) return undefined;
    const index = dataViews.get(ref.id);
    if (index === undefined) problems.push(`${o.type} ${o.id} references a missing data view ${ref.id}`);
    return index;
  };
  for (const o of objects) {
    const meta = o.attributes.kibanaSavedObjectMeta;
    const source = isObject(meta) ? (JSON.parse(text(meta.searchSourceJSON ?? '{}')) as JsonObject) : {};
    const query = isObject(source.query) ? text(source.query.query ?? '') : '';
    const index = indexOf(o);
    const where = `${o.type} ${o.id}`;
    if (index !== undefined) {
      for (const { field, use } of queryFields(query))
        refs.push({ index, field, use, where: `${where} query` });
    }
    if (o.type === 'visualization') {
      const vis = JSON.parse(text(o.attributes.visState)) as JsonObject;
      if (vis.type === 'vega') {
        const spec = JSON.parse(text((vis.params as JsonObject).spec)) as JsonObject;
        for (const data of (spec.data as Json[] | undefined) ?? []) {
          if (!isObject(data) || !isObject(data.url)) continue;
          bodyFieldRefs(text(data.url.index), data.url.body ?? {}, `${where} data ${text(data.name)}`, refs);
        }
      } else {
        if (index === undefined) problems.push(`${where} has no data view`);
        for (const agg of (vis.aggs as Json[] | undefined) ?? []) {
          if (!isObject(agg) || !isObject(agg.params) || typeof agg.params.field !== 'string') continue;
          refs.push({
            index: index ?? '?',
            field: agg.params.field,
            use: AGG_USE[text(agg.type)] ?? 'any',
            where: `${where} ${text(agg.type)} aggregation`,
          });
        }
      }
    }
    if (o.type === 'search' && index !== undefined) {
      for (const column of (o.attributes.columns as string[] | undefined) ?? []) {
        refs.push({ index, field: column, use: 'any', where: `${where} column` });
      }
      for (const sort of (o.attributes.sort as [string, string][] | undefined) ?? []) {
        refs.push({ index, field: sort[0], use: 'numeric-or-date', where: `${where} sort` });
      }
    }
  }
  return { refs, dataViews, runtimeFields, problems };
}

export interface GrafanaDatasource {
  name: string;
  uid: string;
  type: string;
  url: string;
  jsonData?: { index?: string; timeField?: string };
}

export interface GrafanaTarget {
  refId: string;
  datasource?: { type: string; uid: string };
  query?: string;
  expr?: string;
  metrics?: { id: string; type: string; field?: string; settings?: { script?: string } }[];
  bucketAggs?: { id: string; type: string; field?: string }[];
}

export interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: GrafanaTarget[];
}

/** Fields of the Elasticsearch targets and the expressions of the Prometheus targets. */
export function analyzeGrafana(
  panels: GrafanaPanel[],
  datasources: GrafanaDatasource[],
): { refs: FieldRef[]; promExprs: { expr: string; where: string }[]; problems: string[] } {
  const refs: FieldRef[] = [];
  const promExprs: { expr: string; where: string }[] = [];
  const problems: string[] = [];
  const byUid = new Map(datasources.map((d) => [d.uid, d]));
  for (const panel of panels) {
    for (const target of panel.targets ?? []) {
      const where = `panel "${panel.title}" target ${target.refId}`;
      const uid = target.datasource?.uid ?? panel.datasource?.uid;
      const ds = uid === undefined ? undefined : byUid.get(uid);
      if (!ds) {
        problems.push(`${where}: datasource ${String(uid)} is not provisioned`);
        continue;
      }
      if (ds.type === 'prometheus') {
        if (!target.expr) problems.push(`${where}: Prometheus target without expr`);
        else promExprs.push({ expr: target.expr, where });
        continue;
      }
      const index = ds.jsonData?.index ?? '?';
      if (ds.jsonData?.timeField) {
        refs.push({
          index,
          field: ds.jsonData.timeField,
          use: 'date',
          where: `datasource ${ds.uid} timeField`,
        });
      }
      for (const { field, use } of queryFields(target.query ?? '')) {
        refs.push({ index, field, use, where: `${where} query` });
      }
      for (const m of target.metrics ?? []) {
        if (m.field !== undefined && m.type !== 'bucket_script' && m.type !== 'count') {
          refs.push({ index, field: m.field, use: AGG_USE[m.type] ?? 'any', where: `${where} ${m.type}` });
        }
        for (const field of scriptFields(m.settings?.script ?? '')) {
          refs.push({ index, field, use: 'any', where: `${where} ${m.type} script` });
        }
      }
      for (const b of target.bucketAggs ?? []) {
        if (b.field !== undefined)
          refs.push({ index, field: b.field, use: AGG_USE[b.type] ?? 'any', where: `${where} ${b.type}` });
      }
    }
  }
  return { refs, promExprs, problems };
}

/** Metric names in a PromQL expression: identifiers followed by `{`, `[` or `)`, minus functions. */
export function promMetricNames(expr: string): string[] {
  const words = [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=[[{)])/g)].map((m) => m[1] ?? '');
  return words.filter((w) => w.startsWith('churnstream_'));
}

// ---------------------------------------------------------------------------------------------
// Defect classes of the deployment files: each function returns what is wrong, one line per
// finding, so a spec asserts `[]` and a live test feeds it a broken copy.

/** Image references that more than one compose service builds (`build:` beside the same `image:`). */
export function imagesBuiltTwice(services: Record<string, JsonObject>): string[] {
  const builders = new Map<string, string[]>();
  for (const [name, s] of Object.entries(services)) {
    if (s.build === undefined) continue;
    const image = text(s.image) || `<no image: ${name}>`;
    builders.set(image, [...(builders.get(image) ?? []), name]);
  }
  return [...builders]
    .filter(([, names]) => names.length > 1)
    .map(([image, names]) => `${image} is built by ${names.join(', ')}: one service must build it`);
}

/** `name[:tag]` -> its tag ('' when untagged); a registry port (`host:5000/x`) is not a tag. */
export function tagOf(image: string): string {
  const last = image.split('/').pop() ?? '';
  const at = last.indexOf(':');
  return at < 0 ? '' : last.slice(at + 1);
}

/** Image references without a tag or tagged `latest`. */
export function floatingImages(images: { image: string; where: string }[]): string[] {
  return images
    .filter(({ image }) => tagOf(image) === '' || tagOf(image) === 'latest')
    .map(({ image, where }) => `${where}: ${image} has no fixed tag (untagged or latest)`);
}

/** Bind mounts (short syntax `./src:/dst[:opts]` or long `type: bind`) without an SELinux label. */
export function unlabeledBindMounts(services: Record<string, JsonObject>): string[] {
  const problems: string[] = [];
  for (const [name, s] of Object.entries(services)) {
    for (const volume of (s.volumes ?? []) as Json[]) {
      if (typeof volume === 'string') {
        const [source = '', , options = ''] = volume.split(':');
        if (!/^[./~]/.test(source)) continue;
        if (!options.split(',').some((o) => o === 'z' || o === 'Z'))
          problems.push(`${name}: bind mount ${volume} has no SELinux label (:z)`);
      } else if (isObject(volume) && volume.type === 'bind') {
        const selinux = isObject(volume.bind) ? text(volume.bind.selinux) : '';
        if (selinux !== 'z' && selinux !== 'Z')
          problems.push(`${name}: bind mount of ${text(volume.source)} has no bind.selinux`);
      }
    }
  }
  return problems;
}

export interface Workload {
  kind: string;
  name: string;
  doc: JsonObject;
}

const nameOf = (doc: JsonObject): string => text((doc.metadata as JsonObject | undefined)?.name);

/** Deployments an HPA scales that also set `spec.replicas` (every apply would reset the count). */
export function replicasBesideHpa(docs: JsonObject[]): string[] {
  const scaled = new Set(
    docs
      .filter((d) => d.kind === 'HorizontalPodAutoscaler')
      .map((d) => text(((d.spec as JsonObject).scaleTargetRef as JsonObject).name)),
  );
  return docs
    .filter((d) => d.kind === 'Deployment' && scaled.has(nameOf(d)))
    .filter((d) => (d.spec as JsonObject).replicas !== undefined)
    .map((d) => `Deployment ${nameOf(d)} sets replicas although an HPA scales it`);
}

/** Claims that ask for ReadWriteMany, which default single-node storage classes cannot provide. */
export function manyNodeClaims(docs: JsonObject[]): string[] {
  return docs
    .filter((d) => d.kind === 'PersistentVolumeClaim')
    .filter((d) => ((d.spec as JsonObject).accessModes as string[]).includes('ReadWriteMany'))
    .map((d) => `PersistentVolumeClaim ${nameOf(d)} asks for ReadWriteMany by default`);
}

/** Every container and init container image of the workloads, with where it is. */
export function containerImages(docs: JsonObject[]): { image: string; where: string }[] {
  const out: { image: string; where: string }[] = [];
  for (const d of docs) {
    const template = isObject(d.spec) ? (d.spec.template as JsonObject | undefined) : undefined;
    const pod = template?.spec as JsonObject | undefined;
    if (!pod) continue;
    for (const key of ['initContainers', 'containers']) {
      for (const c of (pod[key] ?? []) as JsonObject[])
        out.push({ image: text(c.image), where: `${text(d.kind)} ${nameOf(d)} ${text(c.name)}` });
    }
  }
  return out;
}

/** What kustomize's `images:` makes of an image reference. */
export function kustomizedImage(image: string, images: JsonObject[]): string {
  const tag = tagOf(image);
  const name = tag === '' ? image : image.slice(0, -(tag.length + 1));
  const rule = images.find((i) => i.name === name);
  if (!rule) return image;
  const newTag = rule.newTag === undefined ? tag : text(rule.newTag);
  return `${text(rule.newName ?? name)}${newTag === '' ? '' : `:${newTag}`}`;
}

/** The figures of the deployment files that the READMEs quote. */
export interface DeployFacts {
  /** `--speed` and `--rate` of the generator Job (undefined when absent). */
  generatorSpeed?: string;
  generatorRate?: string;
  /** SIM_SPEED's default in docker-compose.yml. */
  composeSpeed?: string;
  hpa: { cpu: number; min: number; max: number }[];
  modelAccessModes: string[];
  /** Objects `kubectl apply -k k8s` creates. */
  objects: number;
  /** The Dockerfile's base image. */
  nodeImage: string;
  /** Host port each compose service publishes. */
  composePorts: Map<string, string>;
}

/** One line per README figure that differs from the files it describes. */
export function readmeDisagreements(file: string, markdown: string, facts: DeployFacts): string[] {
  const problems: string[] = [];
  const claim = (what: string, claimed: string, actual: string | number | undefined) => {
    if (claimed !== String(actual))
      problems.push(`${file}: says ${what} ${claimed}, the files say ${String(actual)}`);
  };
  for (const line of markdown.split('\n')) {
    if (/generator/i.test(line)) {
      for (const m of line.matchAll(/(\d[\d,]*) events\/s/g))
        claim('the generator streams at events/s', (m[1] ?? '').replace(/,/g, ''), facts.generatorRate);
      for (const m of line.matchAll(/--speed (\d+)/g))
        claim('the generator runs --speed', m[1] ?? '', facts.generatorSpeed);
      for (const m of line.matchAll(/`SIM_SPEED`, default (\d+)/g))
        claim('SIM_SPEED defaults to', m[1] ?? '', facts.composeSpeed);
    }
    const hpas = [...new Set(facts.hpa.map((h) => `${h.cpu},${h.min},${h.max}`))].join(' / ');
    for (const m of line.matchAll(/CPU (\d+) ?%, (\d+) to (\d+) replicas/g))
      claim('the HPAs scale at CPU %, min, max', `${m[1]},${m[2]},${m[3]}`, hpas);
    for (const m of line.matchAll(/model volume is `(ReadWrite\w+)`/g))
      claim('the model volume is', m[1] ?? '', facts.modelAccessModes.join(','));
    for (const m of line.matchAll(/builds the (\d+) objects/g))
      claim('kustomize builds', m[1] ?? '', facts.objects);
    for (const m of line.matchAll(/`(node:[\w.-]+)`/g))
      claim('the image is based on', m[1] ?? '', facts.nodeImage);
    const row = /^\| `([a-z-]+)`[^|]*\|[^|]*\| (\d+|-) +\|$/.exec(line);
    if (row?.[1] !== undefined && facts.composePorts.size > 0)
      claim(
        `compose service ${row[1]} publishes host port`,
        row[2] ?? '',
        facts.composePorts.get(row[1]) ?? '-',
      );
  }
  return problems;
}
