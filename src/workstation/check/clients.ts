/**
 * The clients of `npm run check` and `npm run snapshot`: the SDK's full default chain for
 * credentials (environment, profiles, SSO, ...) and the region found as the other CLIs
 * find it (src/workstation/cli/deployment.ts), or, with --account, a simulated account answering
 * from an account file (offline, for trying the commands and for the docs). Either way
 * every client refuses writes (./read-only.ts).
 */
import pLimit from 'p-limit';
import { parseCaArn } from '../../core/arn';
import { configureClients, type ConfigurableClient, type ServiceName } from '../../lambda/aws/clients/registry';
import { parseAccountFile, type AccountFile } from '../local/account-file';
import { readJsonFile } from '../local/json-file';
import { localClientOptions } from '../local/sdk-options';
import { SimulatedAccount, type SimulatedAccountOptions } from '../local/simulated-account';
import { UsageError } from '../cli/common';
import { deploymentTarget } from '../cli/deployment';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './check-account';
import { refuseWrites } from './read-only';

export interface Source {
  region: string;
  regionFrom: string;
  /** The simulated account, with --account. */
  simulated: SimulatedAccount | null;
}

type Middleware = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>;

/**
 * S3 requests one at a time. With followRegionRedirects (src/lambda/aws/clients/s3.ts) the SDK
 * answers a bucket of another region by setting the client's region to the bucket's
 * while it sends the request again; a request sent meanwhile on the same client goes to
 * that region too, and the redirected one then fails with "Region was not restored
 * following S3 region redirect" (aws/aws-sdk-js-v3 issue 5554, seen here with a
 * cross-region bucket and four CAs at once). The workflow's Lambdas send one request at
 * a time, so only these commands need the lock; Private CA's reads still overlap.
 */
function oneAtATime(client: ConfigurableClient): void {
  const lock = pLimit(1);
  const middleware: Middleware = (next) => (args) => lock(() => next(args));
  (client.middlewareStack.add as unknown as (middleware: Middleware, options: object) => void)(middleware, {
    step: 'initialize',
    priority: 'high',
    name: 'pcaRemediationOneS3RequestAtATime',
  });
}

/** Every client the commands build: read-only, and S3's requests one at a time. */
export function onCreate(client: ConfigurableClient, service: ServiceName): void {
  refuseWrites(client, service);
  if (service === 'S3') oneAtATime(client);
}

/** The read-only clients answered by a simulated account of `file` (the SDK's retries, no wait between attempts). */
export function simulatedClients(file: AccountFile, options: SimulatedAccountOptions = {}): SimulatedAccount {
  const simulated = new SimulatedAccount(file, options);
  const requestHandler = simulated.requestHandler;
  configureClients({
    options: localClientOptions(file.region, undefined, { requestHandler }),
    serviceOptions: { 'ACM PCA': localClientOptions(file.region, 'ACM PCA', { requestHandler }) },
    onCreate,
  });
  return simulated;
}

/** Configure the read-only clients for `--region` or `--account`; returns where they read. */
export async function readOnlyClients(values: { region?: string; account?: string }, env: NodeJS.ProcessEnv = process.env): Promise<Source> {
  if (values.account !== undefined) {
    const file = parseAccountFile(readJsonFile(values.account, 'account file'));
    if (values.region !== undefined && values.region !== file.region)
      throw new UsageError(`--region ${values.region}: the account file ${values.account} describes ${file.region}`);
    return { region: file.region, regionFrom: values.account, simulated: simulatedClients(file) };
  }
  const target = await deploymentTarget({ region: values.region, env });
  configureClients({ options: { region: target.region }, onCreate });
  return { region: target.region, regionFrom: target.regionFrom, simulated: null };
}

/** Check every --ca: an ARN of a CA in the region read; anything else is a usage error (exit code 2). */
export function checkCaArns(arns: readonly string[], source: Source): string[] {
  return arns.map((arn) => {
    const parsed = parseCaArn(arn, '--ca');
    if (!parsed.ok) throw new UsageError(parsed.problem);
    if (parsed.value.region !== source.region) {
      throw new UsageError(
        `--ca ${arn} is a CA of ${parsed.value.region}, but this run reads ${source.region} (from ${source.regionFrom}): Private CA answers for one region at a time, so pass --region ${parsed.value.region}, and check the CAs of each region in a run of their own`,
      );
    }
    return parsed.value.arn;
  });
}

/** --concurrency: how many CAs (check) or buckets (snapshot) are read at once. */
export function concurrencyOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > MAX_CONCURRENCY)
    throw new UsageError(`--concurrency ${value}: a whole number from 1 to ${MAX_CONCURRENCY}`);
  return number;
}
