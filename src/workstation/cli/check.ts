/**
 * npm run check -- [--region r] [--ca <arn>]... [--audit-bucket <name>]... [--param name=value]... [--json]
 *
 * The workflow's judgement on every CA of a region, with your own AWS credentials and
 * nothing deployed: what it would repair, what needs a person, what could not be read.
 * Reads only (every client refuses writes). Exit code 0 when every CA is OK, 1 when any
 * is not, 2 for bad input or missing credentials.
 */
import { loadConfig } from '../../lambda/runtime/config';
import { ConfigurationError } from '../../core/errors';
import { explain } from '../executions/remote';
import { paintFor } from '../executions/render';
import { checkAccount, checkExitCode, DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../check/check-account';
import { checkCaArns, concurrencyOf, readOnlyClients } from '../check/clients';
import { progressLine, renderCheck } from '../check/render';
import { parseCommandLine, runCli, UsageError } from './common';
import { deploymentUsage } from './deployment';

const region = deploymentUsage(24).region.replace('its region', 'the region to check');
export const USAGE = `usage: npm run check -- [options]

  ${region}
  --ca <arn>            check only this CA (repeatable; a CA of the region checked)
  --audit-bucket <name> also check that each CA could write audit reports to this bucket (repeatable)
  --param name=value    a deployment parameter the plan depends on: allowedBuckets, allowCaUpdates
                        (default: serverless.yml's defaults, any bucket and true)
  --concurrency <n>     CAs checked at once, 1 to ${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY}); the SDK retries throttling
  --account <file>      read a simulated account from an account file instead of AWS (offline)
  --json                print one JSON document and nothing else

Reads only: ListCertificateAuthorities, DescribeCertificateAuthority and the CRL buckets'
policy, Block Public Access, Object Ownership and encryption; any other call is refused
before it is sent. A progress line goes to stderr when it is a terminal.
Exit code 0 when every CA is OK, 1 when any is WOULD_REPAIR, NEEDS_ATTENTION or
CANNOT_READ, 2 for bad input or missing credentials.`;

const PARAMETERS: Record<string, string> = { allowedBuckets: 'ALLOWED_BUCKETS', allowCaUpdates: 'ALLOW_CA_UPDATES' };

function configOf(pairs: readonly string[]) {
  const env: Record<string, string> = { MODE: 'dry-run' };
  for (const pair of pairs) {
    const match = /^([A-Za-z]+)=(.*)$/s.exec(pair);
    if (!match) throw new UsageError(`--param ${pair}: write it as name=value`);
    const variable = PARAMETERS[match[1]!];
    if (!variable) throw new UsageError(`--param ${match[1]}: the check knows ${Object.keys(PARAMETERS).join(' and ')} (the others do not change the plan)`);
    env[variable] = match[2]!;
  }
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new UsageError(`--param: ${error.message}`);
    throw error;
  }
}

async function main(): Promise<number> {
  const { values } = parseCommandLine('check', {
    options: {
      region: { type: 'string' },
      ca: { type: 'string', multiple: true },
      'audit-bucket': { type: 'string', multiple: true },
      param: { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      account: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = configOf(values.param ?? []);
  const concurrency = concurrencyOf(values.concurrency);
  const source = await readOnlyClients(values);
  const caArns = checkCaArns(values.ca ?? [], source);
  const progress = progressLine(process.stderr);
  let report: Awaited<ReturnType<typeof checkAccount>>;
  try {
    report = await checkAccount({
      region: source.region,
      caArns,
      auditBuckets: values['audit-bucket'] ?? [],
      config,
      concurrency,
      onProgress: progress.update,
    });
  } catch (error) {
    throw explain(error, `checking the CAs of ${source.region}`);
  } finally {
    progress.clear();
  }
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderCheck(report, paintFor(process.stdout)));
  return checkExitCode(report);
}

runCli(main, USAGE);
