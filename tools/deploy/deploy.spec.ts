/**
 * The deployment files, checked without Docker or a cluster (this machine has neither):
 * docker-compose.yml against the Compose Specification schema and the k8s manifests against the
 * Kubernetes JSON schemas of their kinds (both vendored, see tools/deploy/schemas/SOURCES.json);
 * compose's servers against the native stack's versions and settings; the dashboards' indices and
 * fields against libs/search's mappings.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as vega from 'vega';
import { parseAllDocuments } from 'yaml';
import { ConfigSchema, SECRET_KEYS } from '@churnstream/config';
import { consumerGroups } from '@churnstream/contracts';
import {
  FULL_CAPABILITIES,
  indexTemplates,
  SEARCH_INDICES,
  searchIndexNames,
  type SearchCapabilities,
} from '@churnstream/search';
import { EvaluationMetrics, ServiceMetrics } from '@churnstream/service-kit';
import { compiledEntry } from '../build/build.output';
import { KAFKA_CLUSTER_ID } from '../stack/kafka.server';
import { ELASTICSEARCH_VERSION, KAFKA_VERSION, REDIS_MAJOR_VERSION } from '../stack/versions';
import {
  analyzeGrafana,
  analyzeKibana,
  composeValidator,
  containerImages,
  type DeployFacts,
  errorsOf,
  floatingImages,
  imagesBuiltTwice,
  kustomizedImage,
  manyNodeClaims,
  readmeDisagreements,
  replicasBesideHpa,
  tagOf,
  unlabeledBindMounts,
  type FieldRef,
  type GrafanaDatasource,
  type GrafanaPanel,
  hasPlaceholder,
  interpolate,
  isObject,
  type Json,
  type JsonObject,
  KubernetesSchemas,
  kibanaObjects,
  must,
  parseProperties,
  parseRedisConf,
  promMetricNames,
  read,
  REPO_ROOT,
  sha256,
  text,
  typeFits,
  yamlDocuments,
} from './deploy.checks';

const DEFAULTS = ConfigSchema.parse({});
const CONFIG_KEYS = new Set(Object.keys(ConfigSchema.shape));
const INDEX_NAMES = searchIndexNames(DEFAULTS.ES_INDEX_PREFIX);
const APPS = readdirSync(join(REPO_ROOT, 'apps'))
  .filter((app) => app !== 'cli' && existsSync(join(REPO_ROOT, 'apps', app, 'src', 'main.ts')))
  .sort();

function defaultPort(app: string): number {
  const match = /defaultPort:\s*(\d+)/.exec(read(`apps/${app}/src/main.ts`));
  assert.ok(match, `apps/${app}/src/main.ts declares no defaultPort`);
  return Number(match[1]);
}

function heapOf(file: string): string {
  const match = /const HEAP = (.+);/.exec(read(file));
  assert.ok(match?.[1], `${file}: no HEAP constant`);
  const value = match[1].trim();
  return value.startsWith('[')
    ? (JSON.parse(value.replace(/'/g, '"')) as string[]).join(' ')
    : value.replace(/^'|'$/g, '');
}

const rawCompose = yamlDocuments('docker-compose.yml')[0] ?? {};
const composeVariables = new Set<string>();
const compose = interpolate(rawCompose, composeVariables) as JsonObject;
const services = compose.services as Record<string, JsonObject>;
const envOf = (service: string): JsonObject => (services[service]?.environment ?? {}) as JsonObject;
const imageTag = (service: string): string =>
  text(services[service]?.image ?? '')
    .split(':')
    .pop() ?? '';

describe('vendored schemas', () => {
  it('are the published files, unchanged in content (canonical sha256 as recorded in SOURCES.json)', () => {
    const sources = JSON.parse(read('tools/deploy/schemas/SOURCES.json')) as {
      files: { file: string; canonical_sha256: string; package: string }[];
    };
    assert.ok(sources.files.length >= 9);
    for (const f of sources.files) {
      const canonical = JSON.stringify(JSON.parse(read(f.file)));
      assert.equal(sha256(canonical), f.canonical_sha256, `${f.file} differs from ${f.package}`);
    }
  });
});

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const validate = composeValidator();
    assert.ok(validate(compose), errorsOf(validate));
  });

  it('rejects what the schema forbids (the validator is live)', () => {
    const validate = composeValidator();
    const broken = structuredClone(compose);
    must((broken.services as Record<string, JsonObject>).kafka, 'kafka').restart_policy = 'always';
    assert.equal(validate(broken), false);
  });

  it('runs the server versions of tools/stack/versions.ts', () => {
    assert.equal(services.kafka?.image, `apache/kafka:${KAFKA_VERSION}`);
    assert.equal(
      services.elasticsearch?.image,
      `docker.elastic.co/elasticsearch/elasticsearch:${ELASTICSEARCH_VERSION}`,
    );
    assert.equal(services.kibana?.image, `docker.elastic.co/kibana/kibana:${ELASTICSEARCH_VERSION}`);
    assert.match(text(services.redis?.image), new RegExp(`^redis:${REDIS_MAJOR_VERSION}(\\.|$)`));
  });

  it('pins every image it pulls to a version, and tags the one it builds (never latest)', () => {
    const built = new Set(
      Object.values(services)
        .filter((s) => s.build !== undefined)
        .map((s) => text(s.image)),
    );
    for (const [name, service] of Object.entries(services)) {
      if (built.has(text(service.image))) continue;
      const tag = imageTag(name);
      assert.match(tag, /^v?\d+(\.\d+)+/, `${name}: image ${text(service.image)} is not pinned`);
    }
    const images = Object.entries(services).map(([name, s]) => ({ image: text(s.image), where: name }));
    assert.deepEqual(floatingImages(images), []);
    assert.equal(floatingImages([{ image: 'churnstream/app', where: 'x' }]).length, 1);
    assert.equal(floatingImages([{ image: 'localhost:5000/churnstream/app:latest', where: 'x' }]).length, 1);
  });

  it('builds the app image once: one build-only service, every app service runs its tag', () => {
    assert.deepEqual(imagesBuiltTwice(services), []);
    const builder = must(services['app-image'], 'app-image service');
    assert.equal((builder.build as JsonObject).dockerfile, 'Dockerfile');
    for (const [name, s] of Object.entries(services)) {
      if (name === 'app-image' || s.image !== builder.image) continue;
      assert.equal(s.build, undefined, `${name} builds the image again`);
      const deps = (s.depends_on ?? {}) as Record<string, JsonObject>;
      assert.equal(deps['app-image']?.condition, 'service_completed_successfully', `${name} -> app-image`);
    }
  });

  it('catches one tag built by two services (the check is live)', () => {
    const broken = structuredClone(services);
    must(broken.features, 'features').build = { context: '.', dockerfile: 'Dockerfile' };
    assert.equal(imagesBuiltTwice(broken).length, 1);
  });

  it('labels every bind mount for SELinux (:z), so Fedora and RHEL hosts can read them', () => {
    assert.deepEqual(unlabeledBindMounts(services), []);
    const bound = Object.values(services).flatMap((s) =>
      ((s.volumes ?? []) as Json[]).filter((v) => typeof v === 'string' && v.startsWith('./')),
    );
    assert.ok(bound.length >= 4, `only ${bound.length} bind mounts found`);
    assert.deepEqual(
      unlabeledBindMounts({
        a: { volumes: ['./x:/x:ro', 'named:/data', './y:/y:ro,z'] },
        b: { volumes: [{ type: 'bind', source: './z', target: '/z' }] },
      }).length,
      2,
    );
  });

  it('checks Kibana healthy on its overall level, not on any plugin that is available', () => {
    const test = ((must(services.kibana, 'kibana').healthcheck as JsonObject).test as string[]).at(-1) ?? '';
    const probe = (body: string) =>
      spawnSync('sh', ['-c', test.replace(/curl -fsS \S+/, 'cat')], { input: body }).status;
    const status = (overall: string, plugin: string) =>
      JSON.stringify({
        name: 'kibana',
        status: {
          overall: { level: overall, summary: 's' },
          core: { elasticsearch: { level: plugin, summary: 's' } },
          plugins: { alerting: { level: plugin, summary: 's' } },
        },
      });
    assert.equal(probe(status('available', 'available')), 0);
    assert.notEqual(probe(status('degraded', 'available')), 0);
    assert.notEqual(probe(status('unavailable', 'available')), 0);
    assert.equal(probe(status('available', 'degraded')), 0);
  });

  it('configures Kafka as infra/kafka/server.properties does, with the same cluster id and heap', () => {
    const props = parseProperties(read('infra/kafka/server.properties'));
    const env = envOf('kafka');
    // Host-specific: where it listens and stores; compared below by shape instead.
    const local = new Set(['listeners', 'advertised.listeners', 'controller.quorum.voters', 'log.dirs']);
    let compared = 0;
    for (const [key, value] of props) {
      if (local.has(key) || hasPlaceholder(value)) continue;
      const envKey = `KAFKA_${key.toUpperCase().replace(/\./g, '_')}`;
      if (key === 'listener.security.protocol.map') {
        const mine = new Set(text(env[envKey]).split(','));
        for (const entry of value.split(',')) assert.ok(mine.has(entry), `${envKey} lacks ${entry}`);
      } else {
        assert.equal(text(env[envKey]), value, `${envKey} should be ${value} as in server.properties`);
      }
      compared += 1;
    }
    assert.ok(compared >= 15, `only ${compared} properties compared`);
    assert.equal(env.CLUSTER_ID, KAFKA_CLUSTER_ID);
    assert.equal(env.KAFKA_HEAP_OPTS, heapOf('tools/stack/kafka.server.ts'));
    assert.match(text(env.KAFKA_ADVERTISED_LISTENERS), /PLAINTEXT:\/\/kafka:19092/);
    assert.match(text(env.KAFKA_ADVERTISED_LISTENERS), /:\/\/localhost:9092/);
    assert.equal(env.KAFKA_CONTROLLER_QUORUM_VOTERS, '1@kafka:9093');
  });

  it('configures Elasticsearch as infra/elasticsearch/elasticsearch.yml does, with the same heap', () => {
    const yml = yamlDocuments('infra/elasticsearch/elasticsearch.yml')[0] ?? {};
    const env = envOf('elasticsearch');
    let compared = 0;
    for (const [key, value] of Object.entries(yml)) {
      if (typeof value === 'string' && hasPlaceholder(value)) continue;
      if (key === 'network.host') continue; // loopback natively, the container network here
      assert.equal(text(env[key]), text(value), `${key} should be ${text(value)} as in elasticsearch.yml`);
      compared += 1;
    }
    assert.ok(compared >= 5);
    assert.equal(env['xpack.security.enabled'], 'false');
    assert.equal(env.ES_JAVA_OPTS, heapOf('tools/stack/elasticsearch.server.ts'));
  });

  it('persists Redis as infra/redis/redis.conf does', () => {
    const conf = parseRedisConf(read('infra/redis/redis.conf'));
    const command = services.redis?.command as string[];
    for (const key of ['appendonly', 'appendfsync', 'save']) {
      const at = command.indexOf(`--${key}`);
      assert.ok(at >= 0, `redis command lacks --${key}`);
      assert.equal(command[at + 1], conf.get(key), `--${key}`);
    }
    assert.equal(conf.get('appendonly'), 'yes');
  });

  it('runs every app from the one image with its compiled entry file, port, health check and config', () => {
    assert.deepEqual(APPS, ['api', 'evaluator', 'features', 'generator', 'indexer', 'scoring']);
    for (const app of APPS) {
      const s = services[app];
      assert.ok(s, `no compose service for apps/${app}`);
      assert.equal(s.image, services['app-image']?.image);
      assert.equal((s.command as string[])[0], compiledEntry(`apps/${app}/src/main.ts`));
      const env = s.environment as JsonObject;
      assert.equal(Number(env.PORT), defaultPort(app));
      assert.equal(env.HTTP_HOST, '0.0.0.0');
      assert.equal(env.KAFKA_BROKERS, 'kafka:19092');
      assert.equal(env.REDIS_URL, 'redis://redis:6379');
      assert.equal(env.ES_URL, 'http://elasticsearch:9200');
      for (const key of Object.keys(env))
        assert.ok(CONFIG_KEYS.has(key), `${app}: ${key} is not in the config schema`);
      const parsed = ConfigSchema.safeParse(
        Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')),
      );
      assert.ok(parsed.success, `${app}: ${JSON.stringify(parsed.error?.issues)}`);
      const test = ((s.healthcheck as JsonObject).test as string[]).join(' ');
      assert.match(test, /\/health/);
    }
  });

  it('starts each service only after what it needs is healthy or done', () => {
    const conditions = new Set(['service_healthy', 'service_completed_successfully', 'service_started']);
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, spec] of Object.entries((s.depends_on ?? {}) as Record<string, JsonObject>)) {
        assert.ok(services[dep], `${name} depends on unknown ${dep}`);
        assert.ok(conditions.has(text(spec.condition)), `${name} -> ${dep}: ${text(spec.condition)}`);
        if (spec.condition === 'service_healthy')
          assert.ok(services[dep].healthcheck, `${dep} has no healthcheck`);
      }
    }
    const deps = (name: string) => (services[name]?.depends_on ?? {}) as Record<string, JsonObject>;
    assert.equal(deps('scoring').trainer?.condition, 'service_completed_successfully');
    assert.equal(deps('features').kafka?.condition, 'service_healthy');
    assert.equal(deps('features').redis?.condition, 'service_healthy');
    assert.equal(deps('indexer').elasticsearch?.condition, 'service_healthy');
    for (const consumer of ['features', 'scoring', 'indexer']) {
      assert.equal(deps('generator')[consumer]?.condition, 'service_healthy');
    }
    assert.equal(deps('kibana-setup').kibana?.condition, 'service_healthy');
  });

  it('trains into the volume scoring reads MODEL_PATH from, and skips an existing model', () => {
    const trainer = must(services.trainer, 'trainer service');
    const script = (trainer.command as string[]).join('\n');
    assert.match(script, /if \[ -f \/app\/models\/current\/model\.json \]/);
    const cli = compiledEntry('apps/cli/src/main.ts').replace(/[./]/g, '\\$&');
    assert.match(script, new RegExp(`node ${cli} generate`));
    assert.match(script, new RegExp(`node ${cli} train --in \\S+ --out /app/models/next`));
    assert.equal(envOf('scoring').MODEL_PATH, '/app/models/current/model.json');
    assert.ok((trainer.volumes as string[]).includes('models:/app/models'));
    assert.ok((services.scoring?.volumes as string[]).includes('models:/app/models:ro'));
  });

  it('imports the Kibana saved objects through the saved objects import API', () => {
    const setup = must(services['kibana-setup'], 'kibana-setup service');
    const args = (setup.command as string[]).join(' ');
    assert.match(args, /-X POST \\\s+'http:\/\/kibana:5601\/api\/saved_objects\/_import\?overwrite=true'/);
    assert.match(args, /grep -q '"success":true'/);
    assert.match(args, /kbn-xsrf: true/);
    assert.match(args, /file=@\/dashboards\/churnstream\.ndjson/);
    assert.ok((setup.volumes as string[]).includes('./dashboards/kibana:/dashboards:ro,z'));
  });

  it('mounts only files that exist in the repository', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const volume of (s.volumes ?? []) as string[]) {
        const source = volume.split(':')[0] ?? '';
        if (!source.startsWith('./')) continue;
        assert.ok(existsSync(join(REPO_ROOT, source)), `${name}: ${source} does not exist`);
      }
    }
  });

  it('writes no secret inline: secrets are ${VAR} references documented in .env.example', () => {
    const example = parseProperties(read('.env.example'));
    for (const [name, s] of Object.entries((rawCompose.services ?? {}) as Record<string, JsonObject>)) {
      for (const [key, value] of Object.entries((s.environment ?? {}) as JsonObject)) {
        if (!/PASSWORD|SECRET|API_KEY|TOKEN/.test(key)) continue;
        assert.match(
          text(value),
          /^\$\{[A-Z0-9_]+:?-\}$/,
          `${name}.${key} must be an empty-default reference`,
        );
      }
    }
    for (const variable of composeVariables) {
      assert.ok(example.has(variable), `.env.example does not document ${variable}`);
    }
    for (const [key, value] of example) {
      if (/PASSWORD|SECRET|API_KEY|TOKEN/.test(key))
        assert.equal(value, '', `.env.example gives ${key} a value`);
    }
  });

  it('resolves with `docker compose config`, when Compose is installed (COMPOSE_BIN overrides)', (t) => {
    const [bin, ...prefix] = process.env.COMPOSE_BIN ? [process.env.COMPOSE_BIN] : ['docker', 'compose'];
    const probe = spawnSync(bin ?? 'docker', [...prefix, 'version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      t.skip('Docker Compose is not installed');
      return;
    }
    const run = spawnSync(
      bin ?? 'docker',
      [...prefix, '--project-directory', REPO_ROOT, '-f', 'docker-compose.yml', 'config', '--quiet'],
      { cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
    );
    assert.equal(run.status, 0, run.stderr);
  });

  it('has Prometheus scrape every app on its port', () => {
    const prom = yamlDocuments('dashboards/prometheus/prometheus.yml')[0] ?? {};
    const jobs = prom.scrape_configs as JsonObject[];
    const targets = jobs.flatMap((j) =>
      (j.static_configs as JsonObject[]).flatMap((c) => c.targets as string[]),
    );
    assert.deepEqual([...targets].sort(), APPS.map((app) => `${app}:${defaultPort(app)}`).sort());
  });
});

// ---------------------------------------------------------------------------------------------

const K8S_FILES = readdirSync(join(REPO_ROOT, 'k8s')).filter((f) => f.endsWith('.yaml'));
const kustomization = yamlDocuments('k8s/kustomization.yaml')[0] ?? {};
const manifests = K8S_FILES.filter((f) => f !== 'kustomization.yaml').flatMap((file) =>
  yamlDocuments(`k8s/${file}`).map((doc) => ({ file, doc })),
);
const applied = manifests.filter((m) => m.file !== 'secret.example.yaml');
const ofKind = (kind: string) => applied.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const named = (kind: string, name: string) =>
  ofKind(kind).find((d) => (d.metadata as JsonObject).name === name);
const podSpec = (workload: JsonObject) =>
  ((workload.spec as JsonObject).template as JsonObject).spec as JsonObject;

describe('k8s/', () => {
  it('lists every manifest in kustomization.yaml except the secret example', () => {
    const resources = kustomization.resources as string[];
    for (const r of resources) assert.ok(existsSync(join(REPO_ROOT, 'k8s', r)), `${r} is missing`);
    assert.deepEqual(
      [...resources].sort(),
      K8S_FILES.filter((f) => f !== 'kustomization.yaml' && f !== 'secret.example.yaml').sort(),
    );
    assert.equal(kustomization.namespace, 'churnstream');
  });

  it('validates every manifest against the Kubernetes 1.33 JSON schema of its kind', () => {
    const schemas = new KubernetesSchemas();
    assert.ok(manifests.length >= 14);
    for (const { file, doc } of manifests) {
      const validate = schemas.validator(text(doc.kind), text(doc.apiVersion));
      assert.ok(validate(doc), `${file} ${text(doc.kind)}: ${errorsOf(validate)}`);
    }
  });

  it('rejects an unknown field (the strict schemas are live)', () => {
    const schemas = new KubernetesSchemas();
    const deployment = structuredClone(named('Deployment', 'features')) as JsonObject;
    must((podSpec(deployment).containers as JsonObject[])[0], 'container').livenesProbe = {};
    assert.equal(schemas.validator('Deployment', 'apps/v1')(deployment), false);
  });

  it('runs features, scoring, indexer, evaluator and api as Deployments with a Service, probes on /health and resources', () => {
    for (const app of ['features', 'scoring', 'indexer', 'evaluator', 'api']) {
      const deployment = named('Deployment', app);
      assert.ok(deployment, `no Deployment ${app}`);
      const service = named('Service', app);
      assert.ok(service, `no Service ${app}`);
      const container = must((podSpec(deployment).containers as JsonObject[])[0], `${app} container`);
      assert.deepEqual(container.args, [compiledEntry(`apps/${app}/src/main.ts`)]);
      const port = must((container.ports as JsonObject[])[0], `${app} port`);
      assert.equal(port.containerPort, defaultPort(app));
      assert.equal(
        must(((service.spec as JsonObject).ports as JsonObject[])[0], 'service port').port,
        defaultPort(app),
      );
      for (const probe of ['readinessProbe', 'livenessProbe']) {
        const httpGet = (container[probe] as JsonObject).httpGet as JsonObject;
        assert.equal(httpGet.path, '/health', `${app} ${probe}`);
        assert.equal(httpGet.port, 'http');
      }
      const resources = container.resources as JsonObject;
      assert.ok(isObject(resources.requests) && resources.requests.cpu && resources.requests.memory);
      assert.ok(isObject(resources.limits) && resources.limits.memory);
      const env = (container.env as JsonObject[]).find((e) => e.name === 'PORT');
      assert.equal(env?.value, String(defaultPort(app)));
      assert.deepEqual(container.envFrom, [
        { configMapRef: { name: 'churnstream-config' } },
        { secretRef: { name: 'churnstream-secrets', optional: true } },
      ]);
    }
  });

  it('runs the generator and the trainer as Jobs, the trainer into the PVC scoring mounts', () => {
    const generator = named('Job', 'generator');
    assert.ok(generator);
    const trainer = named('Job', 'trainer');
    assert.ok(trainer);
    assert.match(
      (podSpec(trainer).containers as JsonObject[]).map((c) => (c.args as string[]).join(' ')).join(' '),
      new RegExp(`node ${compiledEntry('apps/cli/src/main.ts').replace(/[./]/g, '\\$&')} train`),
    );
    assert.equal(
      (must((podSpec(generator).containers as JsonObject[])[0], 'generator container').args as string[])[0],
      compiledEntry('apps/generator/src/main.ts'),
    );
    for (const job of [generator, trainer])
      assert.ok(Number((job.spec as JsonObject).ttlSecondsAfterFinished) > 0);
    const claim = (spec: JsonObject) =>
      (spec.volumes as JsonObject[])
        .map((v) => (v.persistentVolumeClaim as JsonObject | undefined)?.claimName)
        .filter(Boolean);
    const pvc = (ofKind('PersistentVolumeClaim')[0]?.metadata as JsonObject).name;
    assert.deepEqual(claim(podSpec(trainer)), [pvc]);
    assert.deepEqual(claim(podSpec(must(named('Deployment', 'scoring'), 'scoring'))), [pvc]);
  });

  it('autoscales features and scoring, no further than the partition count', () => {
    const config = must(named('ConfigMap', 'churnstream-config'), 'ConfigMap').data as Record<string, string>;
    const partitions = Number(config.ACTIVITY_PARTITIONS);
    const hpas = ofKind('HorizontalPodAutoscaler');
    assert.deepEqual(hpas.map((h) => ((h.spec as JsonObject).scaleTargetRef as JsonObject).name).sort(), [
      'features',
      'scoring',
    ]);
    for (const hpa of hpas) {
      const spec = hpa.spec as JsonObject;
      assert.ok(named('Deployment', text((spec.scaleTargetRef as JsonObject).name)));
      assert.ok(Number(spec.maxReplicas) <= partitions);
    }
  });

  it('keeps the ConfigMap to known, non-secret settings that the config schema accepts', () => {
    const data = must(named('ConfigMap', 'churnstream-config'), 'ConfigMap').data as Record<string, string>;
    for (const key of Object.keys(data)) {
      assert.ok(CONFIG_KEYS.has(key), `${key} is not a setting`);
      assert.ok(!SECRET_KEYS.has(key as never), `${key} is a secret`);
    }
    assert.ok(ConfigSchema.safeParse(data).success);
    assert.equal(data.HTTP_HOST, '0.0.0.0');
  });

  it('ships a secret example with placeholders only, under the name the pods reference', () => {
    const example = manifests.find((m) => m.file === 'secret.example.yaml')?.doc;
    assert.ok(example);
    assert.equal((example.metadata as JsonObject).name, 'churnstream-secrets');
    const data = example.stringData as Record<string, string>;
    for (const key of SECRET_KEYS) assert.ok(key in data || key === 'ES_PASSWORD', `${key} missing`);
    for (const [key, value] of Object.entries(data)) {
      assert.ok(CONFIG_KEYS.has(key), key);
      if (SECRET_KEYS.has(key as never)) assert.match(value, /^<[^>]+>$/, `${key} must be a placeholder`);
    }
  });

  it('leaves the replica count of autoscaled Deployments to their HPA', () => {
    const docs = applied.map((m) => m.doc);
    assert.deepEqual(replicasBesideHpa(docs), []);
    const broken = structuredClone(docs);
    const features = must(
      broken.find((d) => d.kind === 'Deployment' && (d.metadata as JsonObject).name === 'features'),
      'features',
    );
    (features.spec as JsonObject).replicas = 1;
    assert.equal(replicasBesideHpa(broken).length, 1);
  });

  it('asks for a model volume every default storage class provides (ReadWriteOnce)', () => {
    const docs = applied.map((m) => m.doc);
    assert.deepEqual(manyNodeClaims(docs), []);
    const claims = ofKind('PersistentVolumeClaim');
    for (const c of claims) assert.deepEqual((c.spec as JsonObject).accessModes, ['ReadWriteOnce']);
    const broken = structuredClone(claims);
    ((broken[0] as JsonObject).spec as JsonObject).accessModes = ['ReadWriteMany'];
    assert.equal(manyNodeClaims(broken).length, 1);
  });

  it('pulls the app image from a named registry with a fixed tag, after kustomize images:', () => {
    const rules = kustomization.images as JsonObject[];
    const images = containerImages(applied.map((m) => m.doc)).map((i) => ({
      ...i,
      image: kustomizedImage(i.image, rules),
    }));
    assert.ok(images.length >= 7);
    assert.deepEqual(floatingImages(images), []);
    for (const { image, where } of images)
      assert.match(image, /^[a-z0-9.-]+\.[a-z]+(:\d+)?\//, `${where}: ${image}`);
    const version = (JSON.parse(read('package.json')) as { version: string }).version;
    assert.equal(tagOf(images[0]?.image ?? ''), version, 'the image tag is the version in package.json');
    assert.equal(
      kustomizedImage('churnstream/app', [{ name: 'churnstream/app', newTag: 'latest' }]),
      'churnstream/app:latest',
    );
    assert.equal(floatingImages([{ image: kustomizedImage('churnstream/app', []), where: 'x' }]).length, 1);
  });

  it('builds with kustomize (kubectl kustomize): the namespace, the images, Job names that carry the tag', (t) => {
    const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      t.skip('kubectl is not installed (npm test installs it)');
      return;
    }
    const built = spawnSync('kubectl', ['kustomize', join(REPO_ROOT, 'k8s')], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const docs = built.stdout
      .split(/^---$/m)
      .filter((d) => d.trim() !== '')
      .map((d) => parseAllDocuments(d)[0]?.toJS() as JsonObject);
    assert.equal(docs.length, applied.length);
    for (const doc of docs) {
      if (doc.kind === 'Namespace') continue;
      assert.equal((doc.metadata as JsonObject).namespace, 'churnstream');
    }
    const rules = kustomization.images as JsonObject[];
    const expected = containerImages(applied.map((m) => m.doc)).map((i) => kustomizedImage(i.image, rules));
    assert.deepEqual(
      containerImages(docs).map((i) => i.image),
      expected,
    );
    const tag = tagOf(expected[0] ?? '');
    const jobs = docs.filter((d) => d.kind === 'Job').map((d) => text((d.metadata as JsonObject).name));
    assert.deepEqual(jobs.sort(), [`generator-${tag}`, `trainer-${tag}`]);
    assert.deepEqual(replicasBesideHpa(docs), []);
    assert.deepEqual(manyNodeClaims(docs), []);
  });
});

// ---------------------------------------------------------------------------------------------

const generatorArgs = (podSpec(must(named('Job', 'generator'), 'generator Job')).containers as JsonObject[])
  .map((c) => c.args as string[])
  .flat();
const argOf = (flag: string): string | undefined => {
  const at = generatorArgs.indexOf(flag);
  return at < 0 ? undefined : generatorArgs[at + 1];
};
const FACTS: DeployFacts = {
  generatorSpeed: argOf('--speed'),
  generatorRate: argOf('--rate'),
  composeSpeed: /\$\{SIM_SPEED:-(\d+)\}/.exec(read('docker-compose.yml'))?.[1],
  hpa: ofKind('HorizontalPodAutoscaler').map((h) => {
    const spec = h.spec as JsonObject;
    const metric = must((spec.metrics as JsonObject[])[0], 'HPA metric');
    const target = ((metric.resource as JsonObject).target as JsonObject).averageUtilization;
    return { cpu: Number(target), min: Number(spec.minReplicas), max: Number(spec.maxReplicas) };
  }),
  modelAccessModes: ofKind('PersistentVolumeClaim').flatMap(
    (c) => (c.spec as JsonObject).accessModes as string[],
  ),
  objects: applied.length,
  nodeImage: must(/^ARG NODE_IMAGE=(\S+)$/m.exec(read('Dockerfile'))?.[1], 'NODE_IMAGE in the Dockerfile'),
  composePorts: new Map(
    Object.entries(services).map(([name, s]) => [
      name,
      ((s.ports ?? []) as string[]).map((p) => p.split(':').at(-2) ?? '').join(',') || '-',
    ]),
  ),
};

describe('the deployment READMEs', () => {
  for (const file of ['k8s/README.md', 'docs/deploy.md', 'README.md']) {
    it(`${file} quotes the figures of the files it describes`, () => {
      assert.deepEqual(readmeDisagreements(file, read(file), FACTS), []);
    });
  }

  it('catch a figure that disagrees (the check is live)', () => {
    const stale = [
      '| `generator-job.yaml` | a Job streaming the default population at 500 events/s |',
      '| `hpa.yaml` | HorizontalPodAutoscalers for features and scoring (CPU 70 %, 1 to 5 replicas) |',
      '- The model volume is `ReadWriteMany` because scoring replicas may run on several nodes',
      '- `kubectl kustomize k8s` builds the 14 objects',
      'The apps are one image (`node:20-slim` as the `node` user)',
      '| `kafka` | one KRaft node | 9093 |',
    ];
    assert.equal(readmeDisagreements('x.md', stale.join('\n'), FACTS).length, stale.length);
  });
});

describe('nest-cli.json and the Dockerfile', () => {
  const nest = JSON.parse(read('nest-cli.json')) as {
    monorepo: boolean;
    compilerOptions: { builder: { type: string }; assets: { include: string }[] };
    projects: Record<string, { type: string; root: string; sourceRoot: string; entryFile: string }>;
  };

  it('has a project for every app and every lib, so `nest build <name>` and `nest start <name>` find it', () => {
    assert.equal(nest.monorepo, true);
    const apps = readdirSync(join(REPO_ROOT, 'apps')).filter((a) =>
      existsSync(join(REPO_ROOT, 'apps', a, 'src', 'main.ts')),
    );
    const libs = readdirSync(join(REPO_ROOT, 'libs')).filter((l) =>
      existsSync(join(REPO_ROOT, 'libs', l, 'src', 'index.ts')),
    );
    assert.deepEqual(Object.keys(nest.projects).sort(), [...apps, ...libs].sort());
    for (const app of apps)
      assert.deepEqual(nest.projects[app], {
        type: 'application',
        root: `apps/${app}`,
        sourceRoot: `apps/${app}/src`,
        entryFile: 'main',
      });
    for (const lib of libs)
      assert.deepEqual(nest.projects[lib], {
        type: 'library',
        root: `libs/${lib}`,
        sourceRoot: `libs/${lib}/src`,
        entryFile: 'index',
      });
    assert.equal(nest.compilerOptions.builder.type, 'swc');
  });

  it('copies every non-TypeScript file an app or lib reads next to its source into the build', () => {
    const globs = nest.compilerOptions.assets.map((a) => a.include);
    for (const root of ['apps', 'libs']) {
      for (const name of readdirSync(join(REPO_ROOT, root))) {
        for (const f of readdirSync(join(REPO_ROOT, root, name, 'src'))) {
          if (f.endsWith('.ts') || !f.includes('.')) continue;
          const ext = f.slice(f.lastIndexOf('.'));
          assert.ok(
            globs.some((g) => g.endsWith(`${root}/*/src/**/*${ext}`)),
            `${root}/${name}/src/${f} is not copied (nest-cli.json assets)`,
          );
        }
      }
    }
  });

  it('builds in one stage and runs compiled JavaScript on a supported Node LTS with production dependencies only', () => {
    const dockerfile = read('Dockerfile');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const runtime = must(stages.at(-1), 'runtime stage');
    assert.match(runtime, /AS runtime/);
    assert.match(runtime, /^ENTRYPOINT \["node"\]$/m);
    assert.match(runtime, /^CMD \["dist\/apps\/api\/src\/main\.js"\]$/m);
    assert.match(runtime, /^USER node$/m);
    assert.doesNotMatch(runtime, /tsx|typescript|COPY[^\n]* (apps|libs) /);
    assert.match(dockerfile, /npm ci --omit=dev/);
    assert.match(dockerfile, /RUN npm run build/);
    const major = Number(/^node:(\d+)\./.exec(FACTS.nodeImage)?.[1]);
    assert.ok(major === 22 || major === 24, `${FACTS.nodeImage}: Node 22 or 24 (the supported LTS lines)`);
    const pkg = JSON.parse(read('package.json')) as {
      engines: { node: string };
      dependencies: Record<string, string>;
    };
    assert.ok(
      !('tsx' in pkg.dependencies) && !('typescript' in pkg.dependencies),
      'no TypeScript tooling at run time',
    );
    assert.match(
      pkg.engines.node,
      new RegExp(`\\^${major}\\.`),
      `engines ${pkg.engines.node} lists Node ${major}`,
    );
  });
});

// ---------------------------------------------------------------------------------------------

function checkRefs(
  refs: FieldRef[],
  runtime: Map<string, Map<string, string>>,
  capabilities: SearchCapabilities,
) {
  const templates = indexTemplates(DEFAULTS.ES_INDEX_PREFIX, capabilities);
  const mappings = new Map<string, Record<string, { type?: string }>>(
    SEARCH_INDICES.map((i) => [
      templates[i].name,
      templates[i].template.mappings.properties as Record<string, { type?: string }>,
    ]),
  );
  const problems: string[] = [];
  for (const ref of refs) {
    const properties = mappings.get(ref.index);
    if (!properties) {
      problems.push(`${ref.where}: index ${ref.index} is not one of ${[...mappings.keys()].join(', ')}`);
      continue;
    }
    const type = properties[ref.field]?.type ?? runtime.get(ref.index)?.get(ref.field);
    if (type === undefined) problems.push(`${ref.where}: ${ref.index} has no field ${ref.field}`);
    else if (!typeFits(ref.use, type))
      problems.push(`${ref.where}: ${ref.field} is ${type}, not usable as ${ref.use}`);
  }
  return problems;
}

const kibana = kibanaObjects(read('dashboards/kibana/churnstream.ndjson'));
const kibanaAnalysis = analyzeKibana(kibana);
const grafanaDatasources = (yamlDocuments('dashboards/grafana/provisioning/datasources/elasticsearch.yml')[0]
  ?.datasources ?? []) as unknown as GrafanaDatasource[];
const grafanaDashboard = JSON.parse(read('dashboards/grafana/churnstream.json')) as {
  uid: string;
  panels: GrafanaPanel[];
};
const grafanaAnalysis = analyzeGrafana(grafanaDashboard.panels, grafanaDatasources);

describe('Kibana saved objects', () => {
  it('define one data view per search index, and nothing else', () => {
    assert.deepEqual(
      [...kibanaAnalysis.dataViews.values()].sort(),
      SEARCH_INDICES.map((i) => INDEX_NAMES[i]).sort(),
    );
  });

  it('reference only fields of our mappings, with a compatible type, whatever the capabilities', () => {
    assert.deepEqual(kibanaAnalysis.problems, []);
    assert.ok(kibanaAnalysis.refs.length >= 25, `only ${kibanaAnalysis.refs.length} field references found`);
    for (const capabilities of [FULL_CAPABILITIES, { scaledFloat: false }]) {
      assert.deepEqual(checkRefs(kibanaAnalysis.refs, kibanaAnalysis.runtimeFields, capabilities), []);
    }
  });

  it('catch a field that is not mapped (the check is live)', () => {
    const ref: FieldRef = { index: INDEX_NAMES.customers, field: 'spend', use: 'numeric', where: 'test' };
    assert.equal(checkRefs([ref], new Map(), FULL_CAPABILITIES).length, 1);
    const wrongType: FieldRef = {
      index: INDEX_NAMES.customers,
      field: 'country',
      use: 'numeric',
      where: 'test',
    };
    assert.equal(checkRefs([wrongType], new Map(), FULL_CAPABILITIES).length, 1);
  });

  it('compute churn rate by device_type and payment_method in Vega as the API does (run on canned responses)', async () => {
    // Two customers churned (c1, c3); each group counts the distinct customers who used the value.
    const responses: Record<string, Json> = {
      churned: { aggregations: { ids: { buckets: [{ key: 'c1' }, { key: 'c3' }] } } },
      groups: {
        aggregations: {
          groups: {
            buckets: [
              { key: 'a', customers: { buckets: [{ key: 'c1' }, { key: 'c2' }] } },
              {
                key: 'b',
                customers: { buckets: [{ key: 'c3' }, { key: 'c4' }, { key: 'c5' }, { key: 'c1' }] },
              },
              { key: 'c', customers: { buckets: [{ key: 'c2' }] } },
            ],
          },
        },
      },
    };
    const vegas = kibana.filter(
      (o) =>
        o.type === 'visualization' &&
        (JSON.parse(text(o.attributes.visState)) as { type: string }).type === 'vega',
    );
    assert.equal(vegas.length, 2);
    for (const o of vegas) {
      const vis = JSON.parse(text(o.attributes.visState)) as { params: { spec: string } };
      const spec = JSON.parse(vis.params.spec) as { data: { name: string; url?: unknown; values?: Json }[] };
      for (const data of spec.data) {
        data.values = must(responses[data.name], `canned response for ${data.name}`);
        delete data.url;
      }
      const view = new vega.View(vega.parse(spec), { renderer: 'none' });
      await view.runAsync();
      assert.deepEqual(JSON.parse(JSON.stringify(view.data('groups'))), [
        { key: 'a', customers: 2, churned: 1, rate: 0.5 },
        { key: 'b', customers: 4, churned: 2, rate: 0.5 },
        { key: 'c', customers: 1, churned: 0, rate: 0 },
      ]);
      assert.match(await view.toSVG(), /<svg/);
      view.finalize();
    }
  });

  it('put the seed charts, the four segment breakdowns and the at-risk table on one dashboard', () => {
    const dashboard = kibana.find((o) => o.type === 'dashboard');
    assert.ok(dashboard);
    const panels = JSON.parse(text(dashboard.attributes.panelsJSON)) as {
      panelRefName: string;
      panelIndex: string;
    }[];
    const byId = new Map(kibana.map((o) => [`${o.type}:${o.id}`, o]));
    for (const panel of panels) {
      const ref = dashboard.references.find((r) => r.name === `${panel.panelIndex}:${panel.panelRefName}`);
      assert.ok(ref, `panel ${panel.panelIndex} has no reference`);
      assert.ok(
        byId.has(`${ref.type}:${ref.id}`),
        `panel ${panel.panelIndex} -> missing ${ref.type} ${ref.id}`,
      );
    }
    const titles = dashboard.references.map((r) => text(byId.get(`${r.type}:${r.id}`)?.attributes.title));
    for (const expected of [
      /^Churn distribution/,
      /^Total spend vs churn/,
      /^Session duration by churn/,
      /^Churn rate by country/,
      /^Churn rate by device_type/,
      /^Churn rate by payment_method/,
      /^Churn rate by age_band/,
      /^Customers at risk/,
      /^Mean churn score per simulated day/,
      /^Observed churn share per simulated day/,
      /^Online evaluation: ROC AUC and Brier/,
      /^Online evaluation: predictions issued and matured/,
      /^Drift against training: PSI/,
    ]) {
      assert.ok(
        titles.some((t) => expected.test(t)),
        `no panel titled ${String(expected)}`,
      );
    }
    const atRisk = kibana.find((o) => o.type === 'search');
    assert.deepEqual(atRisk?.attributes.sort, [['churn_score', 'desc']]);
  });
});

describe('Grafana provisioning and dashboard', () => {
  it('provision an Elasticsearch datasource per search index and the Prometheus of docker-compose.yml', () => {
    const es = grafanaDatasources.filter((d) => d.type === 'elasticsearch');
    assert.deepEqual(
      es.map((d) => d.jsonData?.index).sort(),
      SEARCH_INDICES.map((i) => INDEX_NAMES[i]).sort(),
    );
    for (const d of es) assert.equal(d.url, 'http://elasticsearch:9200');
    const prom = grafanaDatasources.find((d) => d.type === 'prometheus');
    assert.equal(prom?.url, 'http://prometheus:9090');
    const provider = yamlDocuments('dashboards/grafana/provisioning/dashboards/churnstream.yml')[0] ?? {};
    const path = (must((provider.providers as JsonObject[])[0], 'provider').options as JsonObject)
      .path as string;
    assert.ok(
      (services.grafana?.volumes as string[]).includes(
        `./dashboards/grafana/churnstream.json:${path}/churnstream.json:ro,z`,
      ),
    );
  });

  it('reference only fields of our mappings, with a compatible type', () => {
    assert.deepEqual(grafanaAnalysis.problems, []);
    assert.ok(grafanaAnalysis.refs.length >= 20);
    for (const capabilities of [FULL_CAPABILITIES, { scaledFloat: false }]) {
      assert.deepEqual(checkRefs(grafanaAnalysis.refs, new Map(), capabilities), []);
    }
  });

  it('query only metrics the services export, with event-rate and consumer-lag panels', () => {
    const metrics = new ServiceMetrics('deploy-spec');
    assert.ok(
      new EvaluationMetrics(metrics),
      'the evaluator registers its gauges beside the service metrics',
    );
    const registry = metrics.registry;
    const exported = new Set<string>();
    for (const metric of registry.getMetricsAsArray()) {
      const name = metric.name;
      exported.add(name);
      for (const suffix of ['_bucket', '_sum', '_count']) exported.add(`${name}${suffix}`);
    }
    const used = grafanaAnalysis.promExprs.flatMap((e) =>
      promMetricNames(e.expr).map((name) => ({ name, where: e.where })),
    );
    assert.ok(used.length >= 5);
    for (const { name, where } of used) assert.ok(exported.has(name), `${where}: ${name} is not exported`);
    const exprs = grafanaAnalysis.promExprs.map((e) => e.expr).join('\n');
    assert.match(exprs, /rate\(churnstream_events_in_total/);
    assert.match(exprs, /churnstream_consumer_lag/);
    // The lag panel is per group: the groups are the ones contracts names.
    assert.deepEqual(Object.keys(consumerGroups()).sort(), ['evaluator', 'features', 'indexer', 'scoring']);
  });

  it('mirror the Kibana panels: seed charts, segment churn rates and the at-risk table', () => {
    const titles = grafanaDashboard.panels.map((p) => p.title);
    for (const expected of [
      /^Churn distribution/,
      /^Total spend vs churn/,
      /^Session duration by churn/,
      /^Churn rate by country/,
      /^Churn rate by age_band/,
      /device_type/,
      /payment_method/,
      /^Customers at risk/,
      /^Events consumed per second/,
      /^Consumer lag/,
      /^Events indexed per second/,
      /^Evaluator: drift alerts/,
      /^Mean churn score per simulated day/,
      /^Observed churn share per simulated day/,
      /^Online evaluation: ROC AUC and Brier/,
      /^Online evaluation: predictions issued and matured/,
      /^Drift against training: PSI/,
    ]) {
      assert.ok(
        titles.some((t) => expected.test(t)),
        `no panel titled ${String(expected)}`,
      );
    }
    const ids = grafanaDashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids must be unique');
  });
});
