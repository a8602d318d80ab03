/**
 * What `npm run check` prints: a table of CAs and verdicts, then for each WOULD_REPAIR
 * the change the workflow would apply (as a unified diff of the JSON, pretty-printed;
 * --json has the exact before and after texts), and for every other verdict but OK what
 * a person must do or what could not be read.
 *
 * The table is laid out by the one text-table renderer of the command lines (src/workstation/cli/text-table.ts).
 */
import { createTwoFilesPatch } from 'diff';
import { renderTable } from '../cli/text-table';
import type { Paint } from '../executions/render';
import type { CheckReport, CheckRow } from './check-account';

function pretty(text: string | null): string {
  if (text === null) return '';
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  } catch {
    return text.endsWith('\n') ? text : `${text}\n`;
  }
}

/** The unified diff of one planned change, without the patch's file header lines. */
export function planDiff(before: string | null, after: string): string[] {
  const patch = createTwoFilesPatch('before', 'after', pretty(before), pretty(after), undefined, undefined, { context: 3 });
  return patch.split('\n').filter((line, index) => index > 2 && line !== '' && line !== '\\ No newline at end of file');
}

const VERDICT_PAINT = { OK: 'green', WOULD_REPAIR: 'yellow', NEEDS_ATTENTION: 'red', CANNOT_READ: 'red' } as const;

function where(row: CheckRow): string {
  return `${row.caId ?? row.caArn}${row.purpose === 'AUDIT_REPORT' ? ` (audit reports in ${row.bucket})` : ''}`;
}

export function renderCheck(report: CheckReport, paint: Paint): string {
  const lines: string[] = [];
  const label = (row: CheckRow) => `${row.bucket ?? '-'}${row.purpose === 'AUDIT_REPORT' ? ' (audit)' : ''}`;
  if (report.rows.length === 0) {
    lines.push(`no CAs in ${report.region}`);
  } else {
    const rows = report.rows.map((row) => [
      row.caId ?? row.caArn,
      row.commonName ?? '-',
      row.status ?? '-',
      label(row),
      row.verdict,
      row.findings.map((finding) => finding.code).join(' ') || '-',
    ]);
    const columns = ['CA', 'name', 'status', 'bucket', 'verdict', 'findings'].map((title) => ({ title }));
    lines.push(...renderTable(columns, rows, { rule: false, header: paint.bold }));
  }
  for (const row of report.rows) {
    if (row.verdict === 'OK') continue;
    lines.push('', `${paint[VERDICT_PAINT[row.verdict]](row.verdict)}  ${where(row)}`);
    if (row.verdict === 'WOULD_REPAIR') {
      for (const action of row.plan) {
        lines.push(`  ${action.type} ${action.resource}: ${action.description}`);
        for (const diffLine of planDiff(action.before, action.after)) {
          const painted = diffLine.startsWith('+')
            ? paint.green(diffLine)
            : diffLine.startsWith('-')
              ? paint.red(diffLine)
              : diffLine.startsWith('@@')
                ? paint.cyan(diffLine)
                : diffLine;
          lines.push(`    ${painted}`);
        }
      }
    } else if (row.verdict === 'CANNOT_READ') {
      lines.push(`  ${row.unreadable ?? 'not read'}`);
    }
    for (const finding of row.findings) {
      if (finding.severity === 'action-required' && finding.code !== 'BUCKET_ACCESS_DENIED') lines.push(`  ${finding.code}: ${finding.message}`);
    }
  }
  const counts = Object.entries(report.summary)
    .filter(([, count]) => count > 0)
    .map(([verdict, count]) => `${count} ${verdict}`);
  const cas = new Set(report.rows.map((row) => row.caArn)).size;
  lines.push(
    '',
    `${cas} CA${cas === 1 ? '' : 's'} in ${report.region}${report.account ? ` (account ${report.account})` : ''}${counts.length ? `: ${counts.join(', ')}` : ''}. Judged as the workflow would in dry-run mode; nothing was written.`,
  );
  return `${lines.join('\n')}\n`;
}

/** Progress on stderr, one line rewritten in place, only when `stream` is a terminal (a pipe or a CI log gets none). */
export function progressLine(stream: { isTTY?: boolean; write(text: string): unknown }): { update: (done: number, total: number) => void; clear: () => void } {
  if (!stream.isTTY) return { update: () => undefined, clear: () => undefined };
  let shown = false;
  return {
    update: (done, total) => {
      shown = true;
      stream.write(`\rchecking ${done}/${total}…`);
    },
    clear: () => {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
