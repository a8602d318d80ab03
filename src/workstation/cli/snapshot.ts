/**
 * npm run snapshot -- [--region r] [--ca <arn>]... --out account.json [--force]
 *
 * Write the part of an account the workflow reads as an account file, for
 * `npm run local -- <event> --account account.json`. Reads only; writes the file, never AWS.
 */
import { closeSync, existsSync, linkSync, openSync, renameSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { explain } from '../executions/remote';
import { LocalInputError } from '../local/json-file';
import { checkCaArns, concurrencyOf, readOnlyClients } from '../check/clients';
import { SnapshotError, takeSnapshot } from '../check/snapshot';
import { parseCommandLine, runCli, UsageError } from './common';
import { deploymentUsage } from './deployment';

const region = deploymentUsage(24).region.replace('its region', 'the region to read');
export const USAGE = `usage: npm run snapshot -- --out <account.json> [options]

  --out <file>          the account file to write (refused if it exists, unless --force)
  --force               replace --out if it exists
  ${region}
  --ca <arn>            only this CA and its CRL bucket (repeatable; a CA of the region read)
  --concurrency <n>     buckets read at once (default 4)
  --account <file>      read a simulated account from an account file instead of AWS (offline)

Writes the CAs as Private CA describes them, and for each CRL bucket its region, policy
(the exact text), Block Public Access, Object Ownership, default encryption and the CRL
objects' LastModified; no certificates, keys or credentials. Reads only from AWS. The file
is written whole or not at all (a temporary file, then renamed).
Then: npm run local -- <event.json> --account <file>
Exit code 0 when written with every bucket, 1 when a bucket was left out or there was nothing
to snapshot, 2 for bad input or missing credentials.`;

/** Write `text` to `path` atomically: a temporary file beside it, then a link (no clobber) or a rename (--force). */
export function writeAtomically(path: string, text: string, force: boolean): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'wx');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (force) {
      renameSync(temporary, path);
      return;
    }
    // link fails with EEXIST when the file appeared meanwhile: nothing is replaced.
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new LocalInputError(`${path} exists; pass --force to replace it`);
    throw error;
  } finally {
    if (existsSync(temporary)) unlinkSync(temporary);
  }
}

async function main(): Promise<number> {
  const { values } = parseCommandLine('snapshot', {
    options: {
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      region: { type: 'string' },
      ca: { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      account: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.out) throw new UsageError('give the file to write with --out <account.json>');
  if (!values.force && existsSync(values.out)) throw new LocalInputError(`${values.out} exists; pass --force to replace it (nothing was read or written)`);
  if (!existsSync(dirname(values.out) || '.')) throw new LocalInputError(`--out ${values.out}: the directory ${dirname(values.out)} does not exist`);
  const concurrency = concurrencyOf(values.concurrency);
  const source = await readOnlyClients(values);
  const caArns = checkCaArns(values.ca ?? [], source);
  let snapshot: Awaited<ReturnType<typeof takeSnapshot>>;
  try {
    snapshot = await takeSnapshot({ region: source.region, caArns, concurrency });
  } catch (error) {
    if (error instanceof SnapshotError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw explain(error, `reading the CAs of ${source.region}`);
  }
  writeAtomically(values.out, `${JSON.stringify(snapshot.file, null, 2)}\n`, values.force);
  const { file, leftOut } = snapshot;
  process.stdout.write(
    `wrote ${values.out}: ${file.certificateAuthorities.length} CA${file.certificateAuthorities.length === 1 ? '' : 's'} and ${file.buckets.length} bucket${file.buckets.length === 1 ? '' : 's'} of account ${file.account} in ${file.region}\n`,
  );
  for (const item of leftOut) process.stdout.write(`left out bucket ${item.bucket}: ${item.reason}\n`);
  for (const path of snapshot.dropped) process.stdout.write(`not kept (the account file has no field for it): ${path}\n`);
  process.stdout.write(`rehearse with: npm run local -- <event.json> --account ${values.out}\n`);
  return leftOut.length === 0 ? 0 : 1;
}

runCli(main, USAGE);
