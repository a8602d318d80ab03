/** The table `npm run executions` prints: one row per execution, newest first. */
import { renderTable } from '../cli/text-table';
import { executionConsoleUrl } from './console';
import type { ExecutionRow } from './remote';
import { colorStatus, formatSeconds, type Paint } from './render';

export function executionsTable(rows: readonly ExecutionRow[], paint: Paint, now = new Date()): string[] {
  if (rows.length === 0) return ['no executions match'];
  const header = ['started', 'status', 'kind', 'CA', 'outcome', 'took', 'console'];
  const cells = rows.map((row) => [
    row.startDate
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z'),
    row.status,
    row.kind ?? '?',
    row.certificateAuthorityId ?? '-',
    row.outcome ??
      (row.waitingForApprovalSince
        ? `waiting for approval ${formatSeconds((now.getTime() - row.waitingForApprovalSince.getTime()) / 1000)}`
        : row.status === 'RUNNING'
          ? '…'
          : '-'),
    formatSeconds(((row.stopDate ?? now).getTime() - row.startDate.getTime()) / 1000),
    executionConsoleUrl(row.executionArn),
  ]);
  const columns = header.map((title) => ({ title }));
  const painted = cells.map((row) => row.map((text, column) => ((column === 1 || column === 4) && text !== '-' ? colorStatus(text, paint) : text)));
  return renderTable(columns, painted, { rule: false, header: paint.bold });
}
