// Certificates of the secured stack, generated locally: one CA, one server certificate for 127.0.0.1
// and localhost (PEM for Redis and Elasticsearch), and a PKCS#12 keystore and truststore for Kafka
// (keytool). Passwords reach openssl and keytool through the environment, never the command line.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { runCommand } from './process.util';
import { writePrivate } from './secure.secrets';
import { SECURE_ROOT } from './stack.paths';
import type { Log } from './server.types';

export const TLS_DIR = join(SECURE_ROOT, 'tls');

export const tlsFiles = {
  caKey: join(TLS_DIR, 'ca.key'),
  /** The CA certificate the clients trust: KAFKA_CA_FILE, REDIS_CA_FILE, ES_CA_FILE. */
  caCert: join(TLS_DIR, 'ca.pem'),
  serverKey: join(TLS_DIR, 'server.key'),
  serverCert: join(TLS_DIR, 'server.pem'),
  kafkaKeystore: join(TLS_DIR, 'kafka.keystore.p12'),
  kafkaTruststore: join(TLS_DIR, 'kafka.truststore.p12'),
} as const;

const DAYS = '825';

let pending: Promise<void> | undefined;

/** Creates the certificates unless they exist; idempotent, and run once when several servers ask at once. */
export function ensureCertificates(storePassword: string, javaHome: string, log: Log): Promise<void> {
  if (Object.values(tlsFiles).every((file) => existsSync(file))) return Promise.resolve();
  pending ??= generate(storePassword, javaHome, log).finally(() => {
    pending = undefined;
  });
  return pending;
}

async function generate(storePassword: string, javaHome: string, log: Log): Promise<void> {
  log(`secure: generating a local CA and server certificate in ${TLS_DIR} ...`);
  mkdirSync(TLS_DIR, { recursive: true, mode: 0o700 });
  const env = { ...process.env, CHURNSTREAM_STORE_PASSWORD: storePassword };
  const openssl = (args: string[]) => runCommand('openssl', args, { env });
  await openssl([
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    tlsFiles.caKey,
  ]);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    tlsFiles.caKey,
    '-sha256',
    '-days',
    DAYS,
    '-subj',
    '/CN=churnstream local CA',
    '-out',
    tlsFiles.caCert,
  ]);
  await openssl([
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    tlsFiles.serverKey,
  ]);
  const extFile = join(TLS_DIR, 'server.ext');
  writePrivate(
    extFile,
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n',
  );
  const csr = join(TLS_DIR, 'server.csr');
  await openssl(['req', '-new', '-key', tlsFiles.serverKey, '-subj', '/CN=churnstream-local', '-out', csr]);
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    tlsFiles.caCert,
    '-CAkey',
    tlsFiles.caKey,
    '-CAcreateserial',
    '-days',
    DAYS,
    '-sha256',
    '-extfile',
    extFile,
    '-out',
    tlsFiles.serverCert,
  ]);
  await openssl([
    'pkcs12',
    '-export',
    '-in',
    tlsFiles.serverCert,
    '-inkey',
    tlsFiles.serverKey,
    '-certfile',
    tlsFiles.caCert,
    '-name',
    'kafka',
    '-passout',
    'env:CHURNSTREAM_STORE_PASSWORD',
    '-out',
    tlsFiles.kafkaKeystore,
  ]);
  await runCommand(
    join(javaHome, 'bin', 'keytool'),
    [
      '-importcert',
      '-noprompt',
      '-alias',
      'churnstream-ca',
      '-file',
      tlsFiles.caCert,
      '-keystore',
      tlsFiles.kafkaTruststore,
      '-storetype',
      'PKCS12',
      '-storepass:env',
      'CHURNSTREAM_STORE_PASSWORD',
    ],
    { env },
  );
  await runCommand('chmod', ['600', tlsFiles.caKey, tlsFiles.serverKey, tlsFiles.kafkaKeystore]);
}
