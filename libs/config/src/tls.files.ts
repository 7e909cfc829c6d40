import { readFileSync } from 'node:fs';
import { AppError } from '@churnstream/errors';

/** The PEM text of a CA file named in the config (validated to exist at load time). */
export function readCaFile(path: string | undefined): string | undefined {
  return path === undefined ? undefined : readFileSync(path, 'utf8');
}

/** Node's codes for a server certificate that does not verify against the trusted CAs. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The TLS verification code somewhere in an error's cause chain, if the failure was one. */
export function untrustedCertificate(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNTRUSTED.has(code)) return code;
    e = (e as { cause?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/**
 * When `error` is a certificate that did not verify: the one start-up error that says which server
 * and which setting (`Kafka's certificate is not trusted (SELF_SIGNED_CERT_IN_CHAIN): set KAFKA_CA_FILE ...`).
 */
export function untrustedCertificateError(
  server: string,
  setting: string,
  ...errors: unknown[]
): AppError | undefined {
  const code = errors.map(untrustedCertificate).find((c) => c !== undefined);
  if (code === undefined) return undefined;
  return new AppError(
    'DEPENDENCY_REFUSED',
    `${server}'s certificate is not trusted (${code}): set ${setting} to its CA`,
    {
      cause: errors[0],
    },
  );
}
