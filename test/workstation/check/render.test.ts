/** The check's output pieces that do not need an account: the diff of a planned change, the progress line. */
import { describe, expect, it } from 'vitest';
import { planDiff, progressLine } from '../../../src/workstation/check/render';

describe('planDiff', () => {
  it('is the unified diff of the pretty-printed JSON, without the file header', () => {
    expect(planDiff('{"a":1,"b":2}', '{"a":1,"b":3}')).toEqual(['@@ -1,4 +1,4 @@', ' {', '   "a": 1,', '-  "b": 2', '+  "b": 3', ' }']);
    expect(planDiff(null, '{"a":1}')).toEqual(['@@ -0,0 +1,3 @@', '+{', '+  "a": 1', '+}']);
  });
});

describe('progressLine', () => {
  it('rewrites one line on a terminal and clears it at the end', () => {
    const written: string[] = [];
    const line = progressLine({ isTTY: true, write: (text) => written.push(text) });
    line.update(1, 3);
    line.update(3, 3);
    line.clear();
    expect(written).toEqual(['\rchecking 1/3…', '\rchecking 3/3…', '\r\x1b[K']);
  });

  it('writes nothing when the stream is not a terminal', () => {
    const written: string[] = [];
    const line = progressLine({ isTTY: false, write: (text) => written.push(text) });
    line.update(1, 1);
    line.clear();
    expect(written).toEqual([]);
  });
});
