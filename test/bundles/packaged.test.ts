/**
 * The packaged Lambda bundles, end to end over real HTTP.
 *
 * `sls package` once; each function's minified `.mjs` is taken out of its zip into a
 * directory outside the repository (so it cannot lean on node_modules, as on Lambda)
 * and imported by a fresh Node process with the function's packaged environment, its
 * references bound to this test's resources. The process calls `handler(event, context)`
 * with the input the state machine would give that step; the output feeds the next step.
 *
 * AWS is ./aws-http-face.ts on 127.0.0.1 (S3, ACM PCA, SNS and Step Functions, answered
 * from a simulated account, signatures verified) and DynamoDB is dynalite, both reached
 * through AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_DYNAMODB. Nothing leaves 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagedFunctions, packageService, writeBundles, type PackagedFunction } from '../../src/workstation/bench/bundles';
import { lambdaEnvironment } from '../../src/workstation/bench/import-child';
import { parseAccountFile, type AccountFile } from '../../src/workstation/local/account-file';
import { createHistoryTable, stopDynalite, type LocalHistoryTable } from '../../src/workstation/local/history-table';
import { SimulatedAccount } from '../../src/workstation/local/simulated-account';
import { startAwsHttpFace, type AwsHttpFace, type FaceCall, type FaceRejection } from './aws-http-face';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const REGION = 'us-east-1';
const ACCOUNT = '111122223333';
const CA_ID = '11223344-1234-1122-2233-112233445566';
const CA_ARN = `arn:aws:acm-pca:${REGION}:${ACCOUNT}:certificate-authority/${CA_ID}`;
const CRL_BUCKET = 'pca-crl-111122223333';
const AUDIT_BUCKET = 'pca-audit-111122223333';
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:pca-remediation-packaged-NotificationTopic`;
const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:pca-remediation-packaged`;
const CREDENTIALS = {
  accessKeyId: 'ASIAPACKAGEDBUNDLES1',
  secretAccessKey: 'packaged-bundles-secret-key/not+real',
  sessionToken: 'packaged-bundles-session-token/not+real==',
};
const PCA_WRITE_ACTIONS = ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation'];

/** The child: import the bundle, call its handler once, write what came out (stdout carries logs and EMF). */
const CHILD_SOURCE = `import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [moduleFile, inputFile, resultFile] = process.argv.slice(2);
const { event, timeoutMs } = JSON.parse(readFileSync(inputFile, 'utf8'));
const env = process.env;
const deadline = Date.now() + timeoutMs;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
  invokedFunctionArn: 'arn:aws:lambda:' + env.AWS_REGION + ':${ACCOUNT}:function:' + env.AWS_LAMBDA_FUNCTION_NAME,
  memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: randomUUID(),
  logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done() {}, fail() {}, succeed() {},
};
let result;
try {
  const { handler } = await import(pathToFileURL(moduleFile).href);
  if (typeof handler !== 'function') throw new TypeError(moduleFile + ' exports no handler');
  const output = await handler(event, context);
  // Lambda hands the output on as JSON.
  result = { output: output === undefined ? null : JSON.parse(JSON.stringify(output)) };
} catch (error) {
  result = { error: { name: error?.name, message: error?.message, httpStatusCode: error?.$metadata?.httpStatusCode, fault: error?.$fault, cause: error?.cause?.name } };
}
writeFileSync(resultFile, JSON.stringify(result));
// Let the last UDP datagrams to the X-Ray daemon leave (Lambda freezes, rather than ends, the process).
await new Promise((resolve) => setTimeout(resolve, 20));
process.exit(0);
`;

interface Invocation<T> {
  output: T;
  error?: { name: string; message: string; httpStatusCode?: number; fault?: string; cause?: string };
  /** The AWS calls the face answered during the invocation. */
  calls: FaceCall[];
  rejections: FaceRejection[];
  /** The X-Ray subsegments the invocation sent to the daemon (Powertools Tracer), in its trace. */
  subsegments: XraySubsegment[];
  /** The id of the invocation's segment (Lambda's, given to the function in _X_AMZN_TRACE_ID). */
  parentId: string;
}

/** What this test reads of an X-Ray subsegment document. */
interface XraySubsegment {
  id: string;
  name: string;
  trace_id: string;
  parent_id?: string;
  namespace?: string;
  aws?: { operation?: string; region?: string };
  http?: { response?: { status?: number } };
}

let work: string;
let functions: Map<string, PackagedFunction>;
let bundleFiles: Map<string, string>;
let templateVariables: Map<string, Record<string, unknown>>;
let childScript: string;
let history: LocalHistoryTable;
let face: AwsHttpFace;
let invocations = 0;
/** A stand-in for the X-Ray daemon on 127.0.0.1: every UDP document the bundles send. */
let xrayDaemon: Socket;
const xrayDocuments: XraySubsegment[] = [];
/** Simulated time of the account, ahead of the wall clock by this much (Private CA's background work). */
let accountOffsetMs = 0;

function accountFile(path: string): AccountFile {
  return parseAccountFile(JSON.parse(readFileSync(join(ROOT, path), 'utf8')));
}

function simulatedAccount(file: AccountFile): SimulatedAccount {
  return new SimulatedAccount(file, { now: () => new Date(Date.now() + accountOffsetMs) });
}

function sampleEvent(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, 'events', name), 'utf8')) as Record<string, unknown>;
}

/** The function's packaged variables, each `Ref` bound to this test's resource. */
function environmentOf(fn: PackagedFunction): Record<string, string> {
  const references: Record<string, string> = { HistoryTable: history.name, NotificationTopic: TOPIC_ARN, RemediationStateMachine: STATE_MACHINE_ARN };
  const raw = templateVariables.get(fn.functionName);
  if (!raw) throw new Error(`no environment for ${fn.functionName} in the template`);
  return Object.fromEntries(
    Object.entries(raw).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      const reference = (value as { Ref?: string }).Ref;
      if (!reference || references[reference] === undefined)
        throw new Error(`${fn.functionName}: ${name} is ${JSON.stringify(value)}, which this test does not bind`);
      return [name, references[reference]];
    }),
  );
}

/** Invoke the packaged handler of `key` in a fresh Node process, as Lambda would. */
async function invoke<T = Record<string, any>>(key: string, event: unknown, overrides: Record<string, string> = {}): Promise<Invocation<T>> {
  const fn = functions.get(key);
  if (!fn) throw new Error(`no packaged function ${key} (have ${[...functions.keys()].join(', ')})`);
  const traceId = `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  const parentId = randomBytes(8).toString('hex');
  const env: Record<string, string> = {
    ...lambdaEnvironment({ ...fn, variables: environmentOf(fn) }, REGION),
    // X-Ray's daemon is this test's UDP socket on 127.0.0.1; the trace is the invocation's own.
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${xrayDaemon.address().port}`,
    _AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1',
    _AWS_XRAY_DAEMON_PORT: String(xrayDaemon.address().port),
    _X_AMZN_TRACE_ID: `Root=${traceId};Parent=${parentId};Sampled=1`,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
    AWS_ENDPOINT_URL: face.url,
    AWS_ENDPOINT_URL_DYNAMODB: history.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...overrides,
  };
  invocations += 1;
  const id = invocations;
  const inputFile = join(work, `input-${id}.json`);
  const resultFile = join(work, `result-${id}.json`);
  writeFileSync(inputFile, JSON.stringify({ event, timeoutMs: 30_000 }));
  const callsBefore = face.calls.length;
  const rejectionsBefore = face.rejections.length;
  const child = await new Promise<{ code: number | null; stderr: string }>((done) => {
    // Asynchronous: the face and dynalite answer from this process while the child runs.
    execFile(
      process.execPath,
      [childScript, bundleFiles.get(key)!, inputFile, resultFile],
      { env, cwd: dirname(bundleFiles.get(key)!), timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        done({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr });
      },
    );
  });
  let result: { output: T; error?: Invocation<T>['error'] };
  try {
    result = JSON.parse(readFileSync(resultFile, 'utf8')) as typeof result;
  } catch {
    throw new Error(`${key}: the child wrote no result (exit ${child.code}): ${child.stderr.trim().split('\n').slice(0, 8).join('\n')}`);
  }
  // UDP datagrams the child sent before it exited may still be on their way to the socket.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const subsegments = xrayDocuments.filter((document) => document.trace_id === traceId);
  return { ...result, calls: face.calls.slice(callsBefore), rejections: face.rejections.slice(rejectionsBefore), subsegments, parentId };
}

/** A successful invocation: no error, every request signed and formed as AWS requires. */
async function step<T = Record<string, any>>(key: string, event: unknown, overrides?: Record<string, string>): Promise<Invocation<T>> {
  const result = await invoke<T>(key, event, overrides);
  expect(result.rejections, `${key}: requests the face refused`).toEqual([]);
  expect(result.error, `${key} failed`).toBeUndefined();
  return result;
}

const operations = (calls: FaceCall[]) => calls.map((call) => `${call.service} ${call.operation}${call.error ? ` → ${call.error}` : ''}`);

function bucketOf(name: string) {
  const bucket = face.account.toAccountFile().buckets.find((b) => b.Name === name);
  if (!bucket) throw new Error(`no bucket ${name} in the face's account`);
  return bucket;
}

function statementsOf(policy: unknown): Array<Record<string, unknown>> {
  const document = (typeof policy === 'string' ? JSON.parse(policy) : policy) as { Statement: Record<string, unknown> | Array<Record<string, unknown>> };
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

/** What ClaimEvent (a DynamoDB task of the state machine, not a Lambda) writes before the branch runs. */
async function claimEvent(claim: Record<string, string>, executionArn: string): Promise<void> {
  await history.load([{ ...claim, type: 'event', status: 'IN_PROGRESS', executionArn, expiresAt: Number(claim.expiresAt) }]);
}

async function historyItem(pk: string): Promise<Record<string, any> | undefined> {
  return (await history.items()).find((item) => item.pk === pk);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pca-packaged-'));
  const packageDirectory = join(work, 'package');
  // With a sweep schedule, so that the optional sweep function is packaged too.
  packageService(ROOT, packageDirectory);
  const packaged = await packagedFunctions(packageDirectory, REGION);
  functions = new Map(packaged.map((fn) => [fn.key, fn]));
  bundleFiles = writeBundles(packaged, join(work, 'bundles'));
  const template = JSON.parse(readFileSync(join(packageDirectory, 'cloudformation-template-update-stack.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: { FunctionName?: string; Environment?: { Variables?: Record<string, unknown> } } }>;
  };
  templateVariables = new Map(
    Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => [resource.Properties.FunctionName!, resource.Properties.Environment?.Variables ?? {}]),
  );
  childScript = join(work, 'invoke-handler.mjs');
  writeFileSync(childScript, CHILD_SOURCE);
  history = await createHistoryTable(`pca-remediation-packaged-${process.pid}`);
  xrayDaemon = createSocket('udp4');
  // Each datagram is a JSON header line, then the segment document.
  xrayDaemon.on('message', (message) => xrayDocuments.push(JSON.parse(message.toString('utf8').split('\n').slice(1).join('\n')) as XraySubsegment));
  await new Promise<void>((resolve) => xrayDaemon.bind(0, '127.0.0.1', resolve));
  face = await startAwsHttpFace({
    account: simulatedAccount(accountFile('test/fixtures/accounts/crl-missing-grant.json')),
    credentials: CREDENTIALS,
    region: REGION,
  });
}, 120_000);

afterAll(async () => {
  xrayDaemon?.close();
  await face?.close();
  await stopDynalite();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the package', () => {
  it('holds the eleven functions, each one bundle outside the repository', () => {
    expect([...functions.keys()].sort()).toEqual([
      'checkAuditReport',
      'checkCrlRepublished',
      'classifyEvent',
      'diagnoseCaCreation',
      'diagnoseCertificateIssuance',
      'inspectBucket',
      'recordOutcome',
      'repairBucket',
      'requestApproval',
      'requestAuditReport',
      'sweep',
    ]);
    for (const file of bundleFiles.values()) {
      expect(file.startsWith(ROOT)).toBe(false);
      expect(file).toMatch(/\.mjs$/);
    }
  });

  it('holds nothing of the AGPL evaluator the simulator uses (@cloud-copilot/iam-simulate is test and local only)', () => {
    for (const [key, file] of bundleFiles) {
      const text = readFileSync(file, 'utf8');
      expect(text.length, key).toBeGreaterThan(0);
      expect(text, key).not.toMatch(/iam-simulate|cloud-copilot|RCPFullAWSAccess/i);
    }
  });
});

describe('a CRL S3 permission failure, step by step', () => {
  const EXECUTION_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:execution:pca-remediation-packaged:crl-permission`;
  const document: Record<string, any> = {};
  let originalStatements: Array<Record<string, unknown>>;

  beforeAll(() => {
    accountOffsetMs = 0;
    face.account = simulatedAccount(accountFile('test/fixtures/accounts/crl-missing-grant.json'));
    originalStatements = statementsOf(bucketOf(CRL_BUCKET).Policy);
  });

  it('classifyEvent: classifies the sample event and prepares its claim, calling nothing', async () => {
    const event = sampleEvent('crl-s3-permission-failure.json');
    const { output, calls } = await step('classifyEvent', { event });
    expect(output.event).toEqual(event);
    expect(output.classification).toMatchObject({
      kind: 'CRL_S3_PERMISSION',
      eventId: event.id,
      certificateAuthorityArn: CA_ARN,
      certificateAuthorityId: CA_ID,
      account: ACCOUNT,
      region: REGION,
      eventTime: '2026-11-20T10:00:00.000Z',
    });
    expect(output.claim).toMatchObject({ pk: `EVENT#${String(event.id)}`, kind: 'CRL_S3_PERMISSION', certificateAuthorityArn: CA_ARN });
    expect(calls).toEqual([]);
    Object.assign(document, output);
    await claimEvent(output.claim, EXECUTION_ARN);
  });

  it('inspectBucket: reads the CA over awsJson and the bucket over S3 REST-XML, and plans the grant', async () => {
    const { output: inspection, calls } = await step('inspectBucket', { classification: document.classification });
    expect(inspection).toMatchObject({
      purpose: 'CRL',
      bucket: CRL_BUCKET,
      next: 'repair',
      mode: 'apply',
      caStatus: 'ACTIVE',
      blockPublicPolicy: true,
      crl: { enabled: true, s3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' },
    });
    expect(inspection.findings.map((finding: { code: string }) => finding.code)).toContain('POLICY_GRANT_MISSING');
    expect(inspection.plan).toHaveLength(1);
    expect(inspection.plan[0]).toMatchObject({ type: 'PutBucketPolicy', resource: `arn:aws:s3:::${CRL_BUCKET}` });
    // The policy came over the wire byte for byte.
    expect(inspection.plan[0].before).toBe(bucketOf(CRL_BUCKET).Policy);
    expect(operations(calls).sort()).toEqual([
      'ACM PCA DescribeCertificateAuthority',
      'S3 GetBucketEncryption',
      'S3 GetBucketOwnershipControls',
      'S3 GetBucketPolicy',
      'S3 GetPublicAccessBlock',
    ]);
    for (const call of calls.filter((c) => c.service === 'S3')) {
      expect(call.input).toEqual({ Bucket: CRL_BUCKET, ExpectedBucketOwner: ACCOUNT });
      expect(call.path).toBe(`/${CRL_BUCKET}/`);
    }
    expect(calls.find((c) => c.service === 'ACM PCA')!.input).toEqual({ CertificateAuthorityArn: CA_ARN });
    document.inspection = inspection;
  });

  it('repairBucket: writes the merged policy with PutBucketPolicy over HTTP, reads it back, holds and releases the lease', async () => {
    const { output: repair, calls } = await step('repairBucket', {
      classification: document.classification,
      inspection: document.inspection,
      executionArn: EXECUTION_ARN,
    });
    expect(repair.findings).toEqual([]);
    expect(repair.actions).toHaveLength(1);
    expect(repair.actions[0]).toMatchObject({ type: 'PutBucketPolicy', verified: true, before: document.inspection.plan[0].before });
    expect(operations(calls)).toEqual(['S3 GetBucketPolicy', 'S3 PutBucketPolicy', 'S3 GetBucketPolicy']);
    const put = calls[1]!;
    expect(put).toMatchObject({ status: 200, method: 'PUT', input: { Bucket: CRL_BUCKET, ExpectedBucketOwner: ACCOUNT } });
    // The account's bucket now holds what was sent: every statement it had, and the Private CA grant.
    const policy = bucketOf(CRL_BUCKET).Policy;
    expect(policy).toBe(put.input.Policy);
    expect(repair.actions[0].after).toBe(policy);
    const statements = statementsOf(policy);
    expect(statements.slice(0, originalStatements.length)).toEqual(originalStatements);
    expect(statements).toHaveLength(originalStatements.length + 1);
    expect(statements.at(-1)).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'acm-pca.amazonaws.com' },
      Action: expect.arrayContaining(PCA_WRITE_ACTIONS),
      Resource: expect.arrayContaining([`arn:aws:s3:::${CRL_BUCKET}`, `arn:aws:s3:::${CRL_BUCKET}/*`]),
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': CA_ARN } },
    });
    // The lease went through dynalite (DynamoDB never reached the face) and was let go.
    expect(await historyItem(`LEASE#bucket#${CRL_BUCKET}`)).toBeUndefined();
    document.repair = repair;
  });

  it('repairBucket: every AWS call it made is an X-Ray subsegment of the invocation, DynamoDB included', async () => {
    // The repair found its own write already in place: the same calls, without the write.
    const { calls, subsegments, parentId } = await step('repairBucket', {
      classification: document.classification,
      inspection: document.inspection,
      executionArn: EXECUTION_ARN,
    });
    const traced = subsegments.filter((segment) => segment.namespace === 'aws').map((segment) => `${segment.name} ${segment.aws?.operation}`);
    expect(traced.filter((line) => line.startsWith('S3 ')).sort()).toEqual(
      calls
        .filter((call) => call.service === 'S3')
        .map((call) => `S3 ${call.operation}`)
        .sort(),
    );
    // The lease: a conditional put and its release, straight to dynalite.
    expect(traced.filter((line) => line.startsWith('DynamoDB '))).toEqual(expect.arrayContaining(['DynamoDB PutItem', 'DynamoDB DeleteItem']));
    // Each is a child of the invocation's own segment (Lambda's, named by _X_AMZN_TRACE_ID's Parent).
    for (const segment of subsegments.filter((candidate) => candidate.namespace === 'aws')) expect(segment.parent_id).toBe(parentId);
  });

  it('checkCrlRepublished: lists the CA\'s CRL objects (ListObjectsV2, an XML page) and reads their LastModified; an empty listing is "not written"', async () => {
    // Private CA retries every 15 minutes: let the simulated one run past its next retry, now that it may write.
    accountOffsetMs = 16 * 60_000;
    const { output: crl, calls } = await step('checkCrlRepublished', { classification: document.classification, inspection: document.inspection });
    const written = bucketOf(CRL_BUCKET).Objects[`crl/${CA_ID}.crl`]!;
    expect(Date.parse(written)).toBeGreaterThan(Date.parse('2026-11-20T10:00:00Z'));
    expect(crl).toMatchObject({ published: true, bucket: CRL_BUCKET, key: `crl/${CA_ID}.crl`, eventTime: '2026-11-20T10:00:00.000Z', found: true, objects: 1 });
    expect(crl.lastModified).toBe(new Date(Date.parse(written)).toISOString());
    expect(calls).toEqual([
      expect.objectContaining({
        service: 'S3',
        operation: 'ListObjectsV2',
        method: 'GET',
        status: 200,
        input: { Bucket: CRL_BUCKET, ExpectedBucketOwner: ACCOUNT, Prefix: `crl/${CA_ID}` },
      }),
    ]);
    document.crl = crl;

    // A CRL path with nothing in it yet: an empty listing, read as "not written" (the window has closed).
    const moved = { ...document.inspection, crl: { ...document.inspection.crl, customPath: 'moved' } };
    const classification = { ...document.classification, eventTime: new Date(Date.now() - 2 * 3600_000).toISOString() };
    const { output: missing, calls: missingCalls } = await step('checkCrlRepublished', { classification, inspection: moved });
    expect(missingCalls.map((call) => [call.operation, call.input.Prefix, call.status, call.error])).toEqual([
      ['ListObjectsV2', `moved/${CA_ID}`, 200, undefined],
      ['ListObjectsV2', `moved/crl/${CA_ID}`, 200, undefined],
    ]);
    expect(missing).toMatchObject({ published: false, lastModified: null, found: false, key: `moved/${CA_ID}` });
  });

  it('recordOutcome: REMEDIATED, no notification, the history item completed in dynalite with the change', async () => {
    const { crl: _crl, ...state } = document;
    const { output: outcome, calls } = await step('recordOutcome', { state, executionArn: EXECUTION_ARN });
    expect(outcome).toMatchObject({
      status: 'REMEDIATED',
      kind: 'CRL_S3_PERMISSION',
      certificateAuthorityArn: CA_ARN,
      executionArn: EXECUTION_ARN,
      notified: false,
    });
    expect(calls).toEqual([]);
    const item = await historyItem(`EVENT#${String(document.classification.eventId)}`);
    expect(item).toMatchObject({ status: 'REMEDIATED', executionArn: EXECUTION_ARN, notificationDue: false });
    expect(item!.changes).toEqual([
      expect.objectContaining({ type: 'PutBucketPolicy', before: document.inspection.plan[0].before, after: bucketOf(CRL_BUCKET).Policy, verified: true }),
    ]);
  });
});

describe('an audit report failure: repair the bucket, request the report again, follow it', () => {
  const EXECUTION_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:execution:pca-remediation-packaged:audit-report`;
  const document: Record<string, any> = {};

  beforeAll(() => {
    accountOffsetMs = 0;
    face.account = simulatedAccount(accountFile('test/fixtures/accounts/audit-report-failed.json'));
  });

  it('classifyEvent, inspectBucket: the bucket has no policy (NoSuchBucketPolicy, a 404 XML error) and needs the grant', async () => {
    const { output: classified } = await step('classifyEvent', { event: sampleEvent('audit-report-failure.json') });
    expect(classified.classification).toMatchObject({ kind: 'AUDIT_REPORT', auditReportId: 'a1b2c3d4-5678-90ab-cdef-111122223333' });
    Object.assign(document, classified);
    const { output: inspection, calls } = await step('inspectBucket', { classification: document.classification });
    expect(inspection).toMatchObject({
      purpose: 'AUDIT_REPORT',
      bucket: AUDIT_BUCKET,
      next: 'repair',
      auditReport: { bucket: AUDIT_BUCKET, format: 'JSON', status: 'FAILED' },
    });
    expect(inspection.plan[0]).toMatchObject({ type: 'PutBucketPolicy', before: null });
    expect(operations(calls)).toContain('ACM PCA DescribeCertificateAuthorityAuditReport');
    expect(operations(calls)).toContain('S3 GetBucketPolicy → NoSuchBucketPolicy');
    expect(calls.find((call) => call.operation === 'GetBucketPolicy')!.status).toBe(404);
    document.inspection = inspection;
  });

  it('repairBucket, requestAuditReport, checkAuditReport: CREATING, then SUCCESS with the report written to the repaired bucket', async () => {
    const { output: repair } = await step('repairBucket', {
      classification: document.classification,
      inspection: document.inspection,
      executionArn: EXECUTION_ARN,
    });
    expect(repair).toMatchObject({ findings: [], actions: [{ type: 'PutBucketPolicy', before: null, verified: true }] });
    expect(statementsOf(bucketOf(AUDIT_BUCKET).Policy)).toEqual([expect.objectContaining({ Principal: { Service: 'acm-pca.amazonaws.com' } })]);

    const { output: request, calls: requestCalls } = await step('requestAuditReport', {
      classification: document.classification,
      inspection: document.inspection,
    });
    expect(operations(requestCalls)).toEqual(['ACM PCA CreateCertificateAuthorityAuditReport']);
    expect(requestCalls[0]!.input).toEqual({ CertificateAuthorityArn: CA_ARN, S3BucketName: AUDIT_BUCKET, AuditReportResponseFormat: 'JSON' });
    expect(request).toMatchObject({ requested: true, bucket: AUDIT_BUCKET, format: 'JSON', status: 'CREATING', polls: 0, findings: [] });
    expect(request.auditReportId).toEqual(expect.any(String));
    expect(request.s3Key).toBe(`audit-report/${CA_ID}/${String(request.auditReportId)}.json`);

    const { output: first } = await step('checkAuditReport', { classification: document.classification, auditRequest: request });
    expect(first).toMatchObject({ status: 'CREATING', polls: 1 });
    // The simulated report takes 60 s.
    accountOffsetMs = 2 * 60_000;
    const { output: second, calls } = await step('checkAuditReport', { classification: document.classification, auditRequest: first });
    expect(operations(calls)).toEqual(['ACM PCA DescribeCertificateAuthorityAuditReport']);
    expect(second).toMatchObject({ status: 'SUCCESS', polls: 2, auditReportId: request.auditReportId, s3Key: request.s3Key });
    expect(Object.keys(bucketOf(AUDIT_BUCKET).Objects)).toContain(request.s3Key);
  });
});

describe('failures a person must handle', () => {
  it('requestApproval (mode approve): keeps the task token in the history item in dynalite, publishes the question with the diff and the commands over awsQuery, and the token is in neither the message nor the output', async () => {
    accountOffsetMs = 0;
    face.account = simulatedAccount(accountFile('events/accounts/crl-missing-grant.json'));
    const EXECUTION_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:execution:pca-remediation-packaged:approval`;
    const TOKEN = 'AAAAKgAAAAIAAAAAAAAAAQ-packaged-task-token-not-to-be-shown';
    const { output: classified } = await step('classifyEvent', { event: sampleEvent('crl-s3-permission-failure.json') });
    await claimEvent(classified.claim, EXECUTION_ARN);
    const { output: inspection } = await step('inspectBucket', { classification: classified.classification }, { MODE: 'approve' });
    expect(inspection).toMatchObject({ next: 'approve', approval: { round: 1, timeoutSeconds: 86_400 } });

    const { output, calls } = await step(
      'requestApproval',
      { classification: classified.classification, inspection, executionArn: EXECUTION_ARN, taskToken: TOKEN },
      { MODE: 'approve' },
    );
    expect(output).toMatchObject({ asked: true, round: 1, digest: inspection.approval.digest, notified: true });
    expect(operations(calls)).toEqual(['SNS Publish']);
    const item = await historyItem(`EVENT#${String(classified.classification.eventId)}`);
    expect(item).toMatchObject({ status: 'IN_PROGRESS', approval: { status: 'WAITING', round: 1, digest: inspection.approval.digest, taskToken: TOKEN } });
    const question = face.account.toAccountFile().notifications.at(-1)!;
    expect(question.Subject).toBe(`[pca-remediation] APPROVAL REQUESTED: CRL_S3_PERMISSION ${CA_ID}`);
    expect(question.Message).toContain(`npm run approve -- ${String(classified.classification.eventId)} --stage dev --region us-east-1`);
    expect(question.Message).toMatch(/\+\s+"Sid": "AllowAcmPcaWrite/);
    expect(`${question.Message}${JSON.stringify(output)}`).not.toContain(TOKEN);
  });

  it('diagnoseCertificateIssuance: GetCertificate answers RequestFailedException (a JSON error) and the CA NotAfter arrives as a date', async () => {
    accountOffsetMs = 0;
    face.account = simulatedAccount(accountFile('events/accounts/certificate-issuance.json'));
    const EXECUTION_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:execution:pca-remediation-packaged:issuance`;
    const { output: classified } = await step('classifyEvent', { event: sampleEvent('certificate-issuance-failure.json') });
    expect(classified.classification.kind).toBe('CERTIFICATE_ISSUANCE');
    await claimEvent(classified.claim, EXECUTION_ARN);

    const { output: diagnosis, calls } = await step('diagnoseCertificateIssuance', { classification: classified.classification });
    expect(operations(calls)).toEqual(['ACM PCA DescribeCertificateAuthority', 'ACM PCA GetCertificate → RequestFailedException']);
    expect(calls[1]).toMatchObject({ status: 400, input: { CertificateAuthorityArn: CA_ARN, CertificateArn: classified.classification.certificateArn } });
    expect(diagnosis.caStatus).toBe('ACTIVE');
    expect(diagnosis.findings.map((finding: { code: string }) => finding.code)).toEqual(['CA_VALID_UNTIL', 'ISSUANCE_FAILED']);
    expect(diagnosis.findings[0].message).toContain('2036-01-05T08:05:00.000Z');

    // recordOutcome: NEEDS_ATTENTION, published to SNS over awsQuery, the history item completed.
    const state = { ...classified, diagnosis };
    const { output: outcome, calls: recordCalls } = await step('recordOutcome', { state, executionArn: EXECUTION_ARN });
    expect(outcome).toMatchObject({ status: 'NEEDS_ATTENTION', kind: 'CERTIFICATE_ISSUANCE', notified: true, executionArn: EXECUTION_ARN });
    expect(operations(recordCalls)).toEqual(['SNS Publish']);
    expect(recordCalls[0]).toMatchObject({ method: 'POST', status: 200, input: { TopicArn: TOPIC_ARN } });
    const notifications = face.account.toAccountFile().notifications;
    expect(notifications).toHaveLength(1);
    const [notification] = notifications;
    expect(notification).toMatchObject({ TopicArn: TOPIC_ARN, Subject: `[pca-remediation] NEEDS_ATTENTION: CERTIFICATE_ISSUANCE ${CA_ID}` });
    // The message, newlines, quotes and all, arrived as sent: its outcome record is the handler's output.
    expect(notification!.Message).toContain(`Execution: ${EXECUTION_ARN}`);
    expect(JSON.parse(notification!.Message.split('Outcome record:\n')[1]!)).toEqual(outcome);
    const item = await historyItem(`EVENT#${String(classified.classification.eventId)}`);
    expect(item).toMatchObject({
      status: 'NEEDS_ATTENTION',
      executionArn: EXECUTION_ARN,
      notificationDue: true,
      findings: ['CA_VALID_UNTIL', 'ISSUANCE_FAILED'],
    });
  });

  it('diagnoseCaCreation: the CA FailureReason read from DescribeCertificateAuthority', async () => {
    face.account = simulatedAccount(accountFile('events/accounts/ca-creation.json'));
    const { output: classified } = await step('classifyEvent', { event: sampleEvent('ca-creation-failure.json') });
    const { output: diagnosis, calls } = await step('diagnoseCaCreation', { classification: classified.classification });
    expect(operations(calls)).toEqual(['ACM PCA DescribeCertificateAuthority']);
    expect(diagnosis).toMatchObject({
      caStatus: 'FAILED',
      findings: [
        {
          code: 'CA_CREATION_UNSUPPORTED_ALGORITHM',
          severity: 'action-required',
          detail: { failureReason: 'UNSUPPORTED_ALGORITHM', keyAlgorithm: 'SM2', signingAlgorithm: 'SM3WITHSM2' },
        },
      ],
    });
    expect(diagnosis.nextSteps.length).toBeGreaterThan(0);
  });
});

describe('the sweep', () => {
  it('lists the CAs, inspects the CRL bucket and starts the workflow with StartExecution; a second run the same minute finds it started', async () => {
    accountOffsetMs = 0;
    face.account = simulatedAccount(accountFile('test/fixtures/accounts/crl-missing-grant.json'));
    // Both runs must fall in the same minute (the execution name is one per CA and minute).
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((wake) => setTimeout(wake, 60_500 - intoMinute));
    const scheduled = {
      version: '0',
      id: 'c0ffee00-0000-4000-8000-000000000001',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: ACCOUNT,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: REGION,
      resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/pca-remediation-dev-sweep`],
      detail: {},
    };

    const { output: summary, calls } = await step('sweep', scheduled);
    expect(operations(calls)).toHaveLength(7);
    expect(operations(calls.slice(0, 2))).toEqual(['ACM PCA ListCertificateAuthorities', 'ACM PCA DescribeCertificateAuthority']);
    // The four bucket reads go out together.
    expect(operations(calls.slice(2, 6)).sort()).toEqual([
      'S3 GetBucketEncryption',
      'S3 GetBucketOwnershipControls',
      'S3 GetBucketPolicy',
      'S3 GetPublicAccessBlock',
    ]);
    expect(operations(calls.slice(6))).toEqual(['SFN StartExecution']);
    expect(calls[0]!.input).toEqual({ ResourceOwner: 'SELF' });
    expect(face.executions).toHaveLength(1);
    const [execution] = face.executions;
    expect(execution!.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(execution!.name).toMatch(new RegExp(`^sweep-${CA_ID}-\\d{8}T\\d{4}$`));
    expect(execution!.input).toMatchObject({
      source: expect.any(String),
      'detail-type': 'ACM Private CA CRL Generation',
      resources: [CA_ARN],
      detail: { result: 'failure', sweep: { findings: expect.arrayContaining(['POLICY_GRANT_MISSING']) } },
    });
    expect(summary).toEqual({
      checked: 1,
      started: [
        {
          caArn: CA_ARN,
          eventId: (execution!.input as { id: string }).id,
          executionArn: execution!.executionArn,
          findings: expect.arrayContaining(['POLICY_GRANT_MISSING']),
        },
      ],
      skipped: [],
      failed: [],
    });
    // The sweep only reads: the bucket is as it was.
    expect(calls.filter((call) => call.operation.startsWith('Put'))).toEqual([]);

    const { output: again, calls: againCalls } = await step('sweep', scheduled);
    expect(operations(againCalls).at(-1)).toBe('SFN StartExecution → ExecutionAlreadyExists');
    expect(againCalls.at(-1)!.status).toBe(400);
    expect(again.started).toEqual([
      {
        caArn: CA_ARN,
        eventId: summary.started[0].eventId,
        executionArn: execution!.executionArn,
        findings: summary.started[0].findings,
        alreadyStarted: true,
      },
    ]);
    expect(face.executions).toHaveLength(1);
  });
});

describe('errors off the wire', () => {
  it('repairBucket: S3 refuses the policy (403 AccessDenied, Block Public Access turned on since the inspection): POLICY_WRITE_DENIED, nothing changed', async () => {
    accountOffsetMs = 0;
    const EXECUTION_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:execution:pca-remediation-packaged:write-denied`;
    const file = accountFile('test/fixtures/accounts/crl-missing-grant.json');
    const bucket = file.buckets[0]!;
    const publicRead = { Sid: 'PublicReadCrls', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${CRL_BUCKET}/crl/*` };
    bucket.Policy = JSON.stringify({ Version: '2012-10-17', Statement: [...statementsOf(bucket.Policy), publicRead] });
    bucket.PublicAccessBlockConfiguration = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true };
    face.account = simulatedAccount(file);

    const { output: classified } = await step('classifyEvent', { event: sampleEvent('crl-s3-permission-failure.json') });
    const { output: inspection } = await step('inspectBucket', { classification: classified.classification });
    expect(inspection).toMatchObject({ next: 'repair', blockPublicPolicy: false });

    // Someone turns BlockPublicPolicy on before the repair runs.
    const later = face.account.toAccountFile();
    later.buckets[0]!.PublicAccessBlockConfiguration = { ...later.buckets[0]!.PublicAccessBlockConfiguration, BlockPublicPolicy: true };
    face.account = simulatedAccount(later);
    const before = bucketOf(CRL_BUCKET).Policy;

    const { output: repair, calls } = await step('repairBucket', { classification: classified.classification, inspection, executionArn: EXECUTION_ARN });
    expect(operations(calls)).toEqual(['S3 GetBucketPolicy', 'S3 PutBucketPolicy → AccessDenied']);
    expect(calls[1]!.status).toBe(403);
    expect(repair.actions).toEqual([]);
    expect(repair.findings).toEqual([expect.objectContaining({ code: 'POLICY_WRITE_DENIED', severity: 'action-required' })]);
    expect(bucketOf(CRL_BUCKET).Policy).toBe(before);
    expect(await historyItem(`LEASE#bucket#${CRL_BUCKET}`)).toBeUndefined();
  });

  it('a request signed with the wrong secret is refused (403 InvalidSignatureException) and the handler fails with that error', async () => {
    face.account = simulatedAccount(accountFile('events/accounts/ca-creation.json'));
    const { output: classified } = await step('classifyEvent', { event: sampleEvent('ca-creation-failure.json') });
    const result = await invoke('diagnoseCaCreation', { classification: classified.classification }, { AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    expect(result.calls).toEqual([]);
    expect(result.rejections).toEqual([expect.objectContaining({ service: 'ACM PCA', code: 'InvalidSignatureException' })]);
    expect(result.rejections[0]!.reason).toMatch(/signature we calculated does not match/);
    expect(result.error).toMatchObject({ name: 'InvalidSignatureException', httpStatusCode: 403, fault: 'client' });
  });
});
