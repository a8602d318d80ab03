/**
 * A line diff for showing what a remediation changed (a bucket policy, a CA's CRL
 * settings): both values pretty-printed as JSON, compared line by line by jsdiff (the `diff`
 * package, a dependency: the approval question of mode approve carries this diff), unchanged
 * lines kept only around the changes.
 */
import { diffArrays } from 'diff';

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

/** Every line of `before` and `after`, marked kept, removed or added (jsdiff's Myers diff of the two line arrays). */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  return diffArrays([...before], [...after]).flatMap((change) =>
    change.value.map((text): DiffLine => ({ kind: change.removed ? '-' : change.added ? '+' : ' ', text })),
  );
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
