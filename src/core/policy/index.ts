/**
 * Analysis and merge of S3 bucket policies for AWS Private CA: pure functions, no I/O.
 */
export { analyzeBucketPolicy, type BlockingDeny, type PolicyAnalysis } from './analyze';
export { repeatedKeys } from './duplicate-keys';
export { PolicyDuplicateKeys, PolicyParseError, PolicyTooLarge } from './errors';
export { GRANT_SID_PREFIX, mergePcaGrant, requiredPcaStatement, type MergeResult } from './merge';
export {
  MAX_POLICY_BYTES,
  PCA_BUCKET_ACTIONS,
  PCA_OBJECT_ACTIONS,
  PCA_SERVICE_PRINCIPAL,
  requiredAccess,
  type PcaWriteRequest,
  type RequiredAccess,
} from './pca';
export { publicStatements, type PublicStatement } from './public';
export {
  describeStatement,
  parseBucketPolicy,
  type ConditionElement,
  type ParsedPolicy,
  type PolicyDocument,
  type PrincipalElement,
  type Statement,
  type StatementRef,
  type StringOrList,
} from './statement';
