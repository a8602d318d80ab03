/**
 * The layout the README and docs/layout.md describe is the tree: every part of src/ they
 * must name is named, and every path they name exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** src/core/, each entry of src/lambda/ and of src/workstation/ (a folder with its slash). */
function parts(): string[] {
  const entries = (directory: string) =>
    readdirSync(join(ROOT, directory), { withFileTypes: true }).map((entry) => `${directory}/${entry.name}${entry.isDirectory() ? '/' : ''}`);
  return ['src/core/', ...entries('src/lambda'), ...entries('src/workstation')];
}

/** The paths a text names in backticks or at the start of a line of a code block. */
function namedPaths(text: string): string[] {
  const quoted = [...text.matchAll(/`((?:src|test|deploy|events|schemas|statemachines)\/[^`\s]*)`/g)].map((match) => match[1]!);
  const listed = [...text.matchAll(/^((?:src|statemachines)\/\S*)/gm)].map((match) => match[1]!);
  return [...new Set([...quoted, ...listed])];
}

describe('docs/layout.md', () => {
  const page = read('docs/layout.md');

  it('names every part of src/', () => {
    const named = namedPaths(page);
    for (const part of parts()) expect(named, part).toContain(part);
  });

  it('names only paths that exist', () => {
    for (const path of namedPaths(page)) expect(existsSync(join(ROOT, path)), path).toBe(true);
  });
});

describe("the README's 'Where the code is'", () => {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## Where the code is'), readme.indexOf('\n## ', readme.indexOf('## Where the code is') + 1));

  it('lists src/core/, src/workstation/ and every folder of src/lambda/', () => {
    const named = namedPaths(section);
    const lambda = parts().filter((part) => part.startsWith('src/lambda/'));
    expect(lambda.length).toBeGreaterThanOrEqual(4);
    for (const part of ['src/core/', 'src/workstation/', ...lambda]) expect(named, part).toContain(part);
  });

  it('names only paths that exist', () => {
    expect(namedPaths(section).length).toBeGreaterThan(5);
    for (const path of namedPaths(section)) expect(existsSync(join(ROOT, path)), path).toBe(true);
  });
});
