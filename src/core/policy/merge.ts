/**
 * Adding the Private CA grant to a bucket policy without disturbing anything else:
 * every existing statement and top-level key is written back as it was read, and the
 * grant is appended only when the policy does not already grant every required pair. A
 * policy whose text repeats a key in one object is refused: the parsed form has lost
 * all but the last of them.
 */
import { bucketArn } from '../arn';
import { analyzeParsedPolicy } from './analyze';
import { repeatedKeys } from './duplicate-keys';
import { PolicyDuplicateKeys, PolicyTooLarge } from './errors';
import { MAX_POLICY_BYTES, PCA_BUCKET_ACTIONS, PCA_OBJECT_ACTIONS, PCA_SERVICE_PRINCIPAL, type PcaWriteRequest } from './pca';
import { parseBucketPolicy, statementList, type PolicyDocument, type Statement } from './statement';

/** Every statement this workflow adds has a Sid starting with this, then the CA id. */
export const GRANT_SID_PREFIX = 'AllowAcmPcaWrite';

export interface MergeResult {
  changed: boolean;
  /** The policy text to write; the original text when nothing changed. */
  policy: string;
  added: Statement | null;
  sid: string | null;
  sizeBytes: number;
}

/** The grant AWS documents, restricted to this CA (confused-deputy protection). */
export function requiredPcaStatement(req: PcaWriteRequest, sid: string): Statement {
  const bucket = bucketArn(req.partition, req.bucket);
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: PCA_SERVICE_PRINCIPAL },
    Action: [...PCA_OBJECT_ACTIONS, ...PCA_BUCKET_ACTIONS],
    Resource: [`${bucket}/*`, bucket],
    Condition: { StringEquals: { 'aws:SourceAccount': req.account, 'aws:SourceArn': req.caArn } },
  };
}

/**
 * Throws PolicyParseError for a text that is not a policy, PolicyDuplicateKeys for one
 * that repeats a key within an object (its re-serialisation would lose a member), and
 * PolicyTooLarge when the merged policy would be over S3's limit.
 */
export function mergePcaGrant(text: string | null, req: PcaWriteRequest): MergeResult {
  const parsed = parseBucketPolicy(text);
  if (parsed.document !== null && text !== null) {
    const repeated = repeatedKeys(text);
    if (repeated.length > 0) throw new PolicyDuplicateKeys(repeated);
  }
  if (text !== null && analyzeParsedPolicy(parsed, req).missing.length === 0) {
    return { changed: false, policy: text, added: null, sid: null, sizeBytes: Buffer.byteLength(text, 'utf8') };
  }

  const existing = statementList(parsed.document);
  const sid = freeSid(`${GRANT_SID_PREFIX}${req.caId.replace(/[^A-Za-z0-9]/g, '')}`, existing);
  const added = requiredPcaStatement(req, sid);
  // Spreading keeps the original key order: `Statement` keeps its place, only its value changes.
  const document: PolicyDocument =
    parsed.document === null ? { Version: '2012-10-17', Statement: [added] } : { ...parsed.document, Statement: [...existing, added] };
  const policy = JSON.stringify(document);
  const sizeBytes = Buffer.byteLength(policy, 'utf8');
  if (sizeBytes > MAX_POLICY_BYTES) throw new PolicyTooLarge(sizeBytes, MAX_POLICY_BYTES);
  return { changed: true, policy, added, sid, sizeBytes };
}

/** `base`, or `base2`, `base3`, ... when a statement already uses it (compared ignoring case). */
function freeSid(base: string, statements: Statement[]): string {
  const taken = new Set(statements.flatMap((s) => (typeof s.Sid === 'string' ? [s.Sid.toLowerCase()] : [])));
  let sid = base;
  for (let n = 2; taken.has(sid.toLowerCase()); n++) sid = `${base}${n}`;
  return sid;
}
