/**
 * The state the simulated account answers from, and the shape of one modelled
 * operation. The state is an account file with every bucket policy held as the JSON
 * text S3 returns.
 */
import type { CallerPermissions } from './caller';
import type { ServiceName } from '../../lambda/aws/clients/registry';
import type { AccountFile, BucketEntry, CertificateAuthorityEntry } from './account-file';

export type BucketModel = Omit<BucketEntry, 'Policy'> & { Policy: string | null };

export interface AccountModel extends Omit<AccountFile, 'buckets'> {
  buckets: BucketModel[];
}

export interface OperationContext {
  model: AccountModel;
  /** The simulated time of the call. */
  now: Date;
  service: ServiceName;
  /** The region the request was signed for, when it came over the wire. */
  region?: string;
  /** Who makes the calls (the deployment's RepairRole unless the account was told otherwise). */
  caller: CallerPermissions;
  /** Note something the real service would not complain about but a reader should know. */
  warn(message: string): void;
}

export type OperationInput = Record<string, unknown>;
export type OperationOutput = Record<string, unknown>;
export type Operation = (context: OperationContext, input: OperationInput) => OperationOutput;

export function toModel(file: AccountFile): AccountModel {
  return {
    ...file,
    buckets: file.buckets.map((bucket) => ({
      ...bucket,
      Policy: bucket.Policy === null || typeof bucket.Policy === 'string' ? bucket.Policy : JSON.stringify(bucket.Policy),
    })),
  };
}

export function findBucket(model: AccountModel, name: unknown): BucketModel | undefined {
  return model.buckets.find((bucket) => bucket.Name === name);
}

export function findCertificateAuthority(model: AccountModel, arn: string): CertificateAuthorityEntry | undefined {
  return model.certificateAuthorities.find((ca) => ca.Arn === arn);
}

export function minutes(count: number): number {
  return count * 60_000;
}
