/**
 * The one text-table renderer of the command lines (`npm run bench`, `executions`,
 * `demo`, and the README blocks made from them): a header, an optional rule under it,
 * then the rows; columns two spaces apart, no trailing spaces. The `table` package lays
 * it out and measures cells with string-width, so cells painted with ANSI colours line up.
 */
import { table, type TableUserConfig } from 'table';

export interface Column {
  title: string;
  /** Numbers read best right-aligned. Default left. */
  align?: 'left' | 'right';
}

export interface TableOptions {
  /** A `─` rule under the header (default true). */
  rule?: boolean;
  /** Applied to the header line once laid out (e.g. bold). */
  header?: (line: string) => string;
}

const BORDER: TableUserConfig['border'] = {
  topBody: '',
  topJoin: '',
  topLeft: '',
  topRight: '',
  bottomBody: '',
  bottomJoin: '',
  bottomLeft: '',
  bottomRight: '',
  bodyLeft: '',
  bodyRight: '',
  bodyJoin: '  ',
  headerJoin: '',
  joinBody: '─',
  joinLeft: '',
  joinRight: '',
  joinJoin: '  ',
};

export function renderTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, options: TableOptions = {}): string[] {
  const rule = options.rule ?? true;
  const data = [columns.map((column) => column.title), ...rows.map((row) => columns.map((_, index) => row[index] ?? ''))];
  const text = table(data, {
    border: BORDER,
    columnDefault: { paddingLeft: 0, paddingRight: 0 },
    columns: columns.map((column) => ({ alignment: column.align ?? 'left' })),
    drawHorizontalLine: (index) => rule && index === 1,
  });
  const lines = text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => line.trimEnd());
  if (options.header) lines[0] = options.header(lines[0]!);
  return lines;
}
