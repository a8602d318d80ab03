import { describe, expect, it } from 'vitest';
import { diffLines, prettyJson, withContext } from '../../src/core/diff';

describe('diffLines', () => {
  it('keeps common lines and marks removed and added ones, in order', () => {
    expect(diffLines(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'e'])).toEqual([
      { kind: ' ', text: 'a' },
      { kind: '-', text: 'b' },
      { kind: '+', text: 'x' },
      { kind: ' ', text: 'c' },
      { kind: ' ', text: 'd' },
      { kind: '+', text: 'e' },
    ]);
  });

  it('rebuilds both sides exactly', () => {
    const before = prettyJson({ Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Deny' }, { Sid: 'B' }] });
    const after = prettyJson({ Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Deny' }, { Sid: 'C', Effect: 'Allow' }, { Sid: 'B' }] });
    const lines = diffLines(before, after);
    expect(lines.filter((line) => line.kind !== '+').map((line) => line.text)).toEqual(before);
    expect(lines.filter((line) => line.kind !== '-').map((line) => line.text)).toEqual(after);
  });

  it('shows a new policy (none before) as all added', () => {
    expect(diffLines(prettyJson(null), prettyJson('{"a":1}')).every((line) => line.kind === '+')).toBe(true);
  });
});

describe('withContext', () => {
  it('keeps the given number of unchanged lines around a change and marks gaps', () => {
    const lines = diffLines(['1', '2', '3', '4', '5', '6', '7', '8'], ['1', '2', '3', '4', '5', '6', '7', 'X']);
    expect(withContext(lines, 1)).toEqual([null, { kind: ' ', text: '7' }, { kind: '-', text: '8' }, { kind: '+', text: 'X' }]);
  });

  it('shows nothing when nothing changed', () => {
    expect(withContext(diffLines(['a'], ['a']))).toEqual([]);
  });
});
