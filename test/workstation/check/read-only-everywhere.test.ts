/**
 * Whatever the account holds, npm run check and npm run snapshot send no operation but
 * the reads: both run against every account file of the repository (the demo's
 * scenarios, the tests' fixtures) and the simulated account's call log is compared
 * with the read operations written out in ./helpers.ts, and the account is unchanged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checkAccount } from '../../../src/workstation/check/check-account';
import { simulatedClients } from '../../../src/workstation/check/clients';
import { SnapshotError, takeSnapshot } from '../../../src/workstation/check/snapshot';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { loadConfig } from '../../../src/lambda/runtime/config';
import { parseAccountFile } from '../../../src/workstation/local/account-file';
import { SimulatedAccount } from '../../../src/workstation/local/simulated-account';
import { everyAccountFile, json, READ_OPERATIONS } from './helpers';

afterEach(() => resetClients());

describe('check and snapshot only read', () => {
  it.each(everyAccountFile())('%s: only read operations are sent, and the account is unchanged', async (path) => {
    const file = parseAccountFile(json(path));
    const now = () => new Date('2026-11-20T10:00:00Z');
    const account = simulatedClients(file, { now });
    const buckets = file.buckets.map((bucket) => bucket.Name);
    await checkAccount({ region: file.region, config: loadConfig({ MODE: 'apply', ALLOW_CA_UPDATES: 'true' }), auditBuckets: buckets, now });
    await takeSnapshot({ region: file.region, now }).catch((error: unknown) => {
      if (!(error instanceof SnapshotError)) throw error;
    });
    expect(account.calls.length).toBeGreaterThan(0);
    expect(account.calls.map((call) => call.operation).filter((operation) => !READ_OPERATIONS.has(operation))).toEqual([]);
    expect(account.toAccountFile()).toEqual(new SimulatedAccount(file, { now }).toAccountFile());
  });
});
