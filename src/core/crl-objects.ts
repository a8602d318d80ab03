/**
 * Where a CA's CRL objects are and with which ACL Private CA writes them, from its revocation
 * settings: pure functions, shared by the inspection, the repair and the CRL check.
 */
import type { RevocationConfiguration } from '@aws-sdk/client-acm-pca';

export type CrlObjectAcl = 'PUBLIC_READ' | 'BUCKET_OWNER_FULL_CONTROL';

/** Private CA writes CRL objects with PUBLIC_READ unless told otherwise. */
export function crlObjectAcl(revocation: RevocationConfiguration | undefined): CrlObjectAcl {
  return revocation?.CrlConfiguration?.S3ObjectAcl === 'BUCKET_OWNER_FULL_CONTROL' ? 'BUCKET_OWNER_FULL_CONTROL' : 'PUBLIC_READ';
}

/** The CA's revocation settings with only the CRL object ACL switched to BUCKET_OWNER_FULL_CONTROL. */
export function withOwnerFullControlCrls(revocation: RevocationConfiguration | undefined): RevocationConfiguration {
  const before = revocation ?? {};
  return { ...before, CrlConfiguration: { Enabled: true, ...before.CrlConfiguration, S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' } };
}

/** CrlConfiguration.CustomPath: newer than the SDK model pinned here, so read defensively. */
export function customPathOf(revocation: RevocationConfiguration | undefined): string | undefined {
  const value = (revocation?.CrlConfiguration as { CustomPath?: unknown } | undefined)?.CustomPath;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Where a CA's CRL objects can be, as key prefixes: `crl/<CA id>` by default, and under
 * a CustomPath `<path>/<CA id>` or `<path>/crl/<CA id>` (which of the two is not
 * documented). A partitioned CRL (CrlType PARTITIONED) is several objects whose layout
 * is not documented either; every key under these prefixes counts, so one file or many
 * are followed alike.
 */
export function crlObjectPrefixes(caId: string, customPath?: string): string[] {
  if (!customPath) return [`crl/${caId}`];
  const prefix = customPath.replace(/^\/+|\/+$/g, '');
  return [`${prefix}/${caId}`, `${prefix}/crl/${caId}`];
}

/** Where Private CA writes a CA's CRL. Under CustomPath the exact layout is unconfirmed, so both candidates are returned. */
export function crlObjectKeys(caId: string, customPath?: string): string[] {
  if (!customPath) return [`crl/${caId}.crl`];
  const prefix = customPath.replace(/^\/+|\/+$/g, '');
  return [`${prefix}/${caId}.crl`, `${prefix}/crl/${caId}.crl`];
}

/** The object Private CA writes to test its access when CRLs are configured. */
export const PERMISSION_TEST_KEY = 'acm-pca-permission-test-key';
