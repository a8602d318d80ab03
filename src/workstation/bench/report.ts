/** The one report `npm run bench` prints: as text tables, or as one JSON document. */
import { BENCH_PACKAGE_PARAM, type BundleReport } from './bundles';
import type { Machine } from './machine';
import type { PathReport } from './paths';
import { FOLLOW_UP_STATES, REPAIR_TARGETS } from './targets';
import { PRICES, formatUsd } from './pricing';
import type { StormRow } from './storms';
import { formatBytes, formatCount, formatMs, KIB, passMiss, renderTable } from './table';

export const SECTIONS = ['bundles', 'paths', 'storms'] as const;
export type Section = (typeof SECTIONS)[number];

export const INIT_BILLING_SOURCE = 'https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/';

export interface BenchReport {
  machine: Machine;
  sections: Section[];
  wallSeconds: number;
  prices: typeof PRICES;
  bundles?: BundleReport;
  paths?: PathReport;
  storms?: StormRow[];
  /** Every target with its verdict, for a quick look (and for scripts reading --json). */
  targets: Array<{ section: Section; target: string; pass: boolean | null; detail: string }>;
  warnings: string[];
}

/** Every target of the report, PASS or MISS, in the order of the sections. */
export function collectTargets(report: Pick<BenchReport, 'bundles' | 'paths' | 'storms'>): BenchReport['targets'] {
  const targets: BenchReport['targets'] = [];
  if (report.bundles) {
    for (const row of report.bundles.rows) {
      targets.push({
        section: 'bundles',
        target: `${row.key}: bundle ≤ ${formatCount(report.bundles.limitBytes / KIB)} KiB (${formatCount(report.bundles.limitBytes)} bytes)`,
        pass: row.sizePass,
        detail: `${formatCount(row.bundle.fileBytes)} bytes`,
      });
      targets.push({
        section: 'bundles',
        target: `${row.key}: init ≤ ½ naive init`,
        pass: row.initPass,
        detail: row.initRatio === null ? 'not measured' : `ratio ${row.initRatio.toFixed(2)}`,
      });
    }
  }
  if (report.paths?.target) {
    const target = report.paths.target;
    targets.push({
      section: 'paths',
      target: `${target.path}: ≤ ${REPAIR_TARGETS.maxStateTransitions} state transitions`,
      pass: target.transitionsPass,
      detail: `${target.billedTransitions} billed`,
    });
    targets.push({
      section: 'paths',
      target: `${target.path}: ≤ ${REPAIR_TARGETS.maxLambdaInvocations} Lambda invocations`,
      pass: target.invocationsPass,
      detail: `${target.lambdaInvocations}`,
    });
  }
  for (const storm of report.storms ?? []) {
    targets.push({
      section: 'storms',
      target: `${storm.id}: one remediation per distinct event`,
      pass: storm.onePerEventPass,
      detail: `${storm.remediated} REMEDIATED for ${storm.distinctEvents} event(s)`,
    });
    targets.push({
      section: 'storms',
      target: `${storm.id}: ≤ 1 policy write per CA`,
      pass: storm.writesPerCaPass,
      detail: `${storm.policyWrites} writes, at most ${storm.maxWritesPerCa} for one CA`,
    });
  }
  return targets;
}

function seconds(value: number): string {
  if (value < 60) return `${Number.isInteger(value) ? value : value.toFixed(1)}s`;
  const minutes = Math.floor(value / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.round(value % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

function summaryLine(pass: number, total: number): string {
  return `${pass} of ${total} PASS${pass === total ? '' : ` (${total - pass} MISS)`}`;
}

/** The largest packages in each bundle, and our own code. */
function renderComposition(bundles: BundleReport): string[] {
  if (bundles.composition.length === 0) return [];
  const exact = bundles.composition.filter((entry) => entry.matchesPackage).length;
  const width = Math.max(...bundles.composition.map((entry) => entry.key.length));
  const lines = [
    `  made of   bytes per package in each bundle: an esbuild metafile of the same build (serverless.yml custom.esbuild as serverless-esbuild`,
    `            passes it); ${exact === bundles.composition.length ? 'every rebuild has exactly the packaged byte count' : `only ${exact} of ${bundles.composition.length} rebuilds have the packaged byte count: approximate`}`,
  ];
  for (const entry of bundles.composition) {
    const top = entry.packages.slice(0, 5);
    const ours = entry.packages.find((item) => item.name === 'our code');
    const shown = ours && !top.includes(ours) ? [...top, ours] : top;
    lines.push(
      `            ${entry.key.padEnd(width)}  ${shown.map((item) => `${item.name} ${formatBytes(item.bytes)}`).join(', ')}${entry.packages.length > shown.length ? `; ${entry.packages.length - shown.length} more packages` : ''}`,
    );
  }
  return lines;
}

function renderBundles(bundles: BundleReport): string[] {
  const rows = bundles.rows.map((row) => [
    row.key,
    formatBytes(row.bundle.fileBytes),
    formatBytes(row.zipBytes),
    formatMs(row.bundle.init.median),
    formatMs(row.bundle.wall.median),
    row.naive.loadedFiles === null ? 'n/a' : `${row.naive.loadedFiles} files, ${formatBytes(row.naive.loadedBytes!)}`,
    formatMs(row.naive.init.median),
    formatMs(row.naive.wall.median),
    row.initRatio === null ? 'n/a' : row.initRatio.toFixed(2),
    passMiss(row.sizePass),
    passMiss(row.initPass),
  ]);
  const network = bundles.rows.flatMap((row) => [
    ...row.bundle.network.map((call) => `${row.key} bundle: ${call}`),
    ...row.naive.network.map((call) => `${row.key} naive: ${call}`),
  ]);
  const errors = bundles.rows.flatMap((row) => [
    ...row.bundle.errors.map((error) => `${row.key} bundle: ${error}`),
    ...row.naive.errors.map((error) => `${row.key} naive: ${error}`),
  ]);
  const sizePass = bundles.rows.filter((row) => row.sizePass).length;
  const initPass = bundles.rows.filter((row) => row.initPass).length;
  const bundleLoads = bundles.rows.map((row) => row.bundle.loadedFiles);
  const packaged = bundles.packaged.fresh
    ? `\`npx sls package --param="${BENCH_PACKAGE_PARAM}" --package <temporary directory>\` (the optional sweep function included), ${bundles.packaged.seconds?.toFixed(1)} s`
    : `reused ${bundles.packaged.directory} (--no-package), packaged ${bundles.packaged.writtenAt}`;
  return [
    '━━ 1. Lambda bundles as `sls package` builds them, against a naive build of the same handlers',
    '',
    `  packaged  ${packaged}`,
    `  bundle    the handler .mjs in each function's zip (esbuild: bundled, minified, ESM); size uncompressed, zip as packaged`,
    `  naive     the same handler through esbuild with packages: 'external': our code in one file, every npm package (the AWS`,
    `            SDK v3 clients it uses, Powertools, middy) imported whole through its package entry from node_modules at run time`,
    `  init      median of ${bundles.runs} fresh Node processes per variant, each importing the file once: \`await import(file)\` timed`,
    `            with performance.now() inside the child; wall = the child process from spawn to exit, timed by the parent`,
    `  env       each child gets only the function's packaged environment and Lambda's (AWS_EXECUTION_ENV=AWS_Lambda_nodejs24.x,`,
    `            _HANDLER, AWS_LAMBDA_FUNCTION_NAME, AWS_REGION, fake credentials, X-Ray daemon address, POWERTOOLS_TRACE_ENABLED=true)`,
    `  loads     files the import loads (a module.registerHooks load hook in a separate probe child), bytes on disk`,
    `            (every bundle loads ${[...new Set(bundleLoads)].map((count) => (count === null ? 'n/a' : String(count))).join(' or ')} file(s): itself)`,
    '',
    ...renderTable(
      [
        { title: 'function' },
        { title: 'bundle', align: 'right' },
        { title: 'zip', align: 'right' },
        { title: 'init ms', align: 'right' },
        { title: 'wall ms', align: 'right' },
        { title: 'naive loads', align: 'right' },
        { title: 'naive init', align: 'right' },
        { title: 'naive wall', align: 'right' },
        { title: 'init ratio', align: 'right' },
        { title: `≤${formatCount(bundles.limitBytes / KIB)} KiB` },
        { title: 'init ≤½' },
      ],
      rows,
    ).map((line) => `  ${line}`),
    '',
    ...renderComposition(bundles),
    `  network   ${network.length === 0 ? 'no import attempted a network call (probe: net/tls connect, UDP send, DNS, http(s).request, fetch; during the import and 200 ms after)' : `ATTEMPTED: ${network.join('; ')}`}`,
    ...(errors.length > 0 ? [`  errors    ${errors.join('\n            ')}`] : []),
    `  targets   bundle ≤ ${formatCount(bundles.limitBytes / KIB)} KiB = ${formatCount(bundles.limitBytes)} bytes (KiB = 1,024 bytes), uncompressed .mjs: ${summaryLine(sizePass, bundles.rows.length)}`,
    `            init ≤ ½ naive init (median bundle init / median naive init ≤ ${bundles.initRatioLimit}): ${summaryLine(initPass, bundles.rows.length)}`,
    `  note      times are this machine's (see above), not Lambda's: a 256 MB function gets a fraction of a vCPU; compare the ratios.`,
    `            Medians in the table; min and max in --json. Lambda bills the INIT phase of on-demand ZIP functions on managed runtimes`,
    `            since 1 August 2025 (${INIT_BILLING_SOURCE}), at the duration price.`,
  ];
}

function renderPaths(paths: PathReport): string[] {
  const rows = paths.rows.map((row) => [
    row.id,
    row.outcome === row.expected ? row.outcome : `${row.outcome} (expected ${row.expected})`,
    String(row.statesEntered),
    String(row.retries),
    String(row.billedTransitions),
    String(row.lambdaInvocations),
    row.followUp.billedTransitions === 0 ? '-' : `+${row.followUp.billedTransitions} (${row.followUp.lambdaInvocations} λ)`,
    `${row.simulatedCalls}+${row.claimEventCalls}+${row.handlerDynamoDbCalls}=${row.awsCalls}`,
    seconds(row.simulatedSeconds),
    row.invocationMs.reduce((sum, ms) => sum + ms, 0).toFixed(1),
    formatUsd(row.cost.total),
    formatUsd(row.cost.total * 1_000_000),
    formatUsd(row.costAtAssumedMs.total * 1_000_000),
  ]);
  const target = paths.target;
  return [
    '━━ 2. Workflow paths on the local runner (statemachines/remediation.asl.yml in aws-local-stepfunctions, real handlers, seed 1)',
    '',
    ...renderTable(
      [
        { title: 'path' },
        { title: 'outcome' },
        { title: 'states', align: 'right' },
        { title: 'retries', align: 'right' },
        { title: 'billed', align: 'right' },
        { title: 'Lambdas', align: 'right' },
        { title: 'follow-up', align: 'right' },
        { title: 'AWS calls', align: 'right' },
        { title: 'simulated', align: 'right' },
        { title: 'Lambda ms', align: 'right' },
        { title: 'cost/execution', align: 'right' },
        { title: 'per 1M', align: 'right' },
        { title: `per 1M @${paths.assumedInvocationMs} ms`, align: 'right' },
      ],
      rows,
    ).map((line) => `  ${line}`),
    '',
    '  states      history events whose type ends in StateEntered; billed = states + retries ("each retry will be charged as an',
    '              additional state transition"); Lambdas = Task attempts that invoke a function (ClaimEvent calls DynamoDB itself)',
    '  AWS calls   simulated account (S3, Private CA, SNS) + ClaimEvent PutItem + DynamoDB commands the handlers sent',
    '  simulated   the waits and retry delays Step Functions would spend (simulated clock)',
    '  prices      us-east-1, on demand, free tiers left out:',
    ...Object.values(PRICES).map((price) => `                ${price.per}: ${price.published}  ${price.source}`),
    `  assumed     Lambda duration = each handler call's wall time on this machine (Lambda ms: middy and Powertools included;`,
    `              AWS answered in-process, so no network latency: a lower bound), rounded up to 1 ms, at ${paths.memoryMb} MB`,
    `              (serverless.yml memorySize, arm64). The last column assumes ${paths.assumedInvocationMs} ms per invocation instead.`,
    '              Not included: DynamoDB on-demand requests, SNS, CloudWatch Logs (the state machine logs level ALL with execution',
    '              data), X-Ray traces, cold-start INIT.',
    ...(target
      ? [
          `  target      ${target.path}: ${target.billedTransitions} billed state transitions ≤ ${REPAIR_TARGETS.maxStateTransitions}: ${passMiss(target.transitionsPass)}; ${target.lambdaInvocations} Lambda invocations ≤ ${REPAIR_TARGETS.maxLambdaInvocations}: ${passMiss(target.invocationsPass)}`,
          `              the repair only; its follow-up (waiting for Private CA's next CRL: ${[...FOLLOW_UP_STATES].join(', ')}) took`,
          `              ${target.followUp.billedTransitions} more billed transitions and ${target.followUp.lambdaInvocations} Lambda invocations, retries included (the "follow-up" column)`,
        ]
      : []),
  ];
}

function renderStorms(storms: readonly StormRow[]): string[] {
  const rows = storms.map((storm) => [
    storm.title,
    formatCount(storm.executions),
    `${(storm.wallMs / 1000).toFixed(2)} s`,
    storm.executionsPerSecond.toFixed(0),
    String(storm.remediated),
    String(storm.duplicate),
    Object.entries(storm.other)
      .map(([status, count]) => `${count} ${status}`)
      .join(', ') || '0',
    String(storm.policyWrites),
    String(storm.maxWritesPerCa),
    String(storm.bucketBusyRetries),
    formatCount(storm.billedTransitions),
    formatBytes(storm.memory.peakRssBytes),
    `${formatBytes(storm.memory.heapUsedBeforeBytes)} → ${formatBytes(storm.memory.peakHeapUsedBytes)}`,
  ]);
  return [
    '━━ 3. Storms on the local runner (src/workstation/local/storm.ts: every delivery started at once; one account, clock and history table)',
    '',
    ...renderTable(
      [
        { title: 'storm' },
        { title: 'executions', align: 'right' },
        { title: 'wall', align: 'right' },
        { title: 'exec/s', align: 'right' },
        { title: 'REMEDIATED', align: 'right' },
        { title: 'DUPLICATE', align: 'right' },
        { title: 'other', align: 'right' },
        { title: 'policy writes', align: 'right' },
        { title: 'max/CA', align: 'right' },
        { title: 'BucketBusy', align: 'right' },
        { title: 'transitions', align: 'right' },
        { title: 'peak RSS', align: 'right' },
        { title: 'heap: before → peak', align: 'right' },
      ],
      rows,
    ).map((line) => `  ${line}`),
    '',
    `  exec/s      executions / wall time of the storm (all started at once, seed 7); simulated time from the first start to the last`,
    `              stop (BucketBusy waits spread a storm out): ${storms.map((storm) => `${storm.id} ${seconds(storm.simulatedSeconds)}`).join(', ')}`,
    "  max/CA      the most successful PutBucketPolicy calls made by the executions of one CA's event (each write put down to the",
    '              CA of the handler invocation that made it)',
    `  memory      process.memoryUsage() sampled every 50 ms during the storm (${storms.map((storm) => storm.memory.samples).join(', ')} samples): the highest RSS, and V8's heapUsed`,
    `              just before (${storms.every((storm) => storm.memory.collectedBefore) ? 'after a full garbage collection' : 'garbage collection not available'}) and at its highest. RSS does not shrink back after`,
    `              a storm, so a later storm's peak RSS includes memory kept from earlier ones (RSS just before: ${storms.map((storm) => formatBytes(storm.memory.rssBeforeBytes)).join(', ')});`,
    `              resourceUsage().maxRSS of the whole process after each: ${storms.map((storm) => formatBytes(storm.memory.maxRssBytes)).join(', ')}`,
    ...storms.map(
      (storm, index) =>
        `  ${index === 0 ? 'targets' : '       '}     ${storm.id}: one remediation per distinct event: ${passMiss(storm.onePerEventPass)}; ≤ 1 policy write per CA: ${passMiss(storm.writesPerCaPass)}`,
    ),
  ];
}

export function renderReport(report: BenchReport): string {
  const machine = report.machine;
  const pass = report.targets.filter((target) => target.pass === true).length;
  const missed = report.targets.filter((target) => target.pass === false);
  const lines = [
    'pca-remediation benchmarks',
    `  machine   ${machine.cpu}, ${machine.cores} cores, ${formatBytes(machine.memoryBytes)} RAM, ${machine.os}, Node ${machine.node}`,
    `  date      ${machine.date}`,
    `  ran       ${report.sections.join(', ')} in ${seconds(report.wallSeconds)}`,
    ...report.warnings.map((warning) => `  warning   ${warning}`),
    '',
  ];
  if (report.bundles) lines.push(...renderBundles(report.bundles), '');
  if (report.paths) lines.push(...renderPaths(report.paths), '');
  if (report.storms) lines.push(...renderStorms(report.storms), '');
  lines.push(`━━ Targets: ${summaryLine(pass, report.targets.length)}${missed.length > 0 ? '. Missed:' : ''}`);
  for (const target of missed) lines.push(`  MISS  ${target.target} (${target.detail})`);
  return `${lines.join('\n')}\n`;
}
