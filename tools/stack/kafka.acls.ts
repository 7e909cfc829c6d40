// The secured Kafka's ACLs (StandardAuthorizer, KRaft): each app may do what it does and no more, on
// topics and consumer groups whose names start with the default prefix (`churnstream`; a test's
// prefix `churnstream.t-...` is covered too). `admin` is a super user and needs none.
import kafkajs, { type AclEntry, type Kafka } from 'kafkajs';

import type { KafkaUser } from './secure.secrets';
import type { Log } from './server.types';

// Not named exports that Node's ESM loader detects in kafkajs' CommonJS build.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;
type AclResourceTypes = (typeof AclResourceTypes)[keyof typeof AclResourceTypes];
type ResourcePatternTypes = (typeof ResourcePatternTypes)[keyof typeof ResourcePatternTypes];

export const ACL_PREFIX = 'churnstream';

type Operation = keyof typeof AclOperationTypes;

interface AppGrants {
  readonly topic: readonly Operation[];
  readonly group: readonly Operation[];
  readonly cluster: readonly Operation[];
}

const consumer: AppGrants = {
  topic: ['CREATE', 'DESCRIBE', 'READ', 'WRITE'],
  group: ['READ', 'DESCRIBE'],
  cluster: ['IDEMPOTENT_WRITE'],
};

export const APP_GRANTS: Record<Exclude<KafkaUser, 'admin'>, AppGrants> = {
  generator: { topic: ['CREATE', 'DESCRIBE', 'WRITE'], group: [], cluster: ['IDEMPOTENT_WRITE'] },
  features: consumer,
  scoring: consumer,
  indexer: consumer,
  // The live page reads consumer lag: offsets of topics and groups, nothing else.
  api: { topic: ['DESCRIBE'], group: ['DESCRIBE'], cluster: [] },
};

function aclsOf(user: string, grants: AppGrants): AclEntry[] {
  const entry = (
    resourceType: AclResourceTypes,
    resourceName: string,
    patternType: ResourcePatternTypes,
    operation: Operation,
  ): AclEntry => ({
    resourceType,
    resourceName,
    resourcePatternType: patternType,
    principal: `User:${user}`,
    host: '*',
    operation: AclOperationTypes[operation],
    permissionType: AclPermissionTypes.ALLOW,
  });
  return [
    ...grants.topic.map((op) => entry(AclResourceTypes.TOPIC, ACL_PREFIX, ResourcePatternTypes.PREFIXED, op)),
    ...grants.group.map((op) => entry(AclResourceTypes.GROUP, ACL_PREFIX, ResourcePatternTypes.PREFIXED, op)),
    ...grants.cluster.map((op) =>
      entry(AclResourceTypes.CLUSTER, 'kafka-cluster', ResourcePatternTypes.LITERAL, op),
    ),
  ];
}

/** Creates every app's ACLs (creating an existing ACL is a no-op). */
export async function grantKafkaAcls(kafka: Kafka, log: Log): Promise<void> {
  const acl = Object.entries(APP_GRANTS).flatMap(([user, grants]) => aclsOf(user, grants));
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl });
  } finally {
    await admin.disconnect();
  }
  log(`kafka: ${acl.length} ACLs for ${Object.keys(APP_GRANTS).join(', ')} (prefix ${ACL_PREFIX})`);
}
