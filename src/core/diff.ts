/**
 * A line diff for showing what a remediation changed (a bucket policy, a CA's CRL
 * settings): both values pretty-printed as JSON, compared line by line (longest common
 * subsequence), unchanged lines kept only around the changes.
 */

export interface DiffLine {
  kind: ' ' | '-' | '+';
  text: string;
}

/** Pretty-print a JSON value or JSON text; other text is shown as it is; null as nothing. */
export function prettyJson(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return value.split('\n');
    }
  }
  return JSON.stringify(parsed, null, 2).split('\n');
}

/** Every line of `before` and `after`, marked kept, removed or added. */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  const n = before.length;
  const m = after.length;
  // common[i][j]: length of the longest common subsequence of before[i..] and after[j..].
  const common = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      common[i]![j] = before[i] === after[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      lines.push({ kind: ' ', text: before[i]! });
      i++;
      j++;
    } else if (i < n && (j === m || common[i + 1]![j]! >= common[i]![j + 1]!)) {
      lines.push({ kind: '-', text: before[i++]! });
    } else {
      lines.push({ kind: '+', text: after[j++]! });
    }
  }
  return lines;
}

/** The changed lines with `context` unchanged lines around each change; a gap becomes `null`. */
export function withContext(lines: readonly DiffLine[], context = 3): Array<DiffLine | null> {
  const keep = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.kind === ' ') return;
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k++) keep[k] = true;
  });
  const shown: Array<DiffLine | null> = [];
  lines.forEach((line, index) => {
    if (keep[index]) shown.push(line);
    else if (shown.at(-1) !== null) shown.push(null);
  });
  if (shown.length > 0 && shown.every((line) => line === null)) return [];
  return shown;
}
