/**
 * The README and docs/ hang together: every relative link names a file of the
 * repository and, with a `#fragment`, a heading of that file (GitHub's anchors, from
 * github-slugger); no page names a path outside the repository; and every page of docs/
 * is linked from the README, so nothing moved out of it is lost. Markdown is read with
 * marked's lexer, so links inside code blocks are not links.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import GithubSlugger from 'github-slugger';
import { marked, type Token, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Every link and heading of a page, walking nested tokens (tables, lists, emphasis). */
function read(page: string): { links: string[]; headings: string[] } {
  const links: string[] = [];
  const headings: string[] = [];
  const walk = (tokens: Token[] | undefined) => {
    for (const token of tokens ?? []) {
      if (token.type === 'link' || token.type === 'image') links.push((token as Tokens.Link).href);
      if (token.type === 'heading') headings.push((token as Tokens.Heading).text);
      if (token.type === 'table') {
        const table = token as Tokens.Table;
        for (const cell of [...table.header, ...table.rows.flat()]) walk(cell.tokens);
      }
      if (token.type === 'list') for (const item of (token as Tokens.List).items) walk(item.tokens);
      if ('tokens' in token) walk(token.tokens as Token[]);
    }
  };
  walk(marked.lexer(readFileSync(join(ROOT, page), 'utf8')));
  return { links, headings };
}

/** The anchors GitHub gives a page's headings, in order (repeats get -1, -2, …). */
function anchors(page: string): Set<string> {
  const slugger = new GithubSlugger();
  return new Set(read(page).headings.map((heading) => slugger.slug(heading.replace(/<[^>]+>/g, '').replace(/`/g, ''))));
}

describe.each(PAGES)('%s', (page) => {
  const { links } = read(page);
  const local = links.filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href));

  it('links only to files of the repository that exist, and to headings that exist', () => {
    const broken: string[] = [];
    for (const href of local) {
      const [path, fragment] = href.split('#') as [string, string | undefined];
      const target = path === '' ? page : normalize(join(dirname(page), decodeURIComponent(path)));
      if (target.startsWith('..') || target.split(sep)[0] === '..') {
        broken.push(`${href}: outside the repository`);
        continue;
      }
      if (!existsSync(join(ROOT, target))) {
        broken.push(`${href}: no file ${target}`);
        continue;
      }
      if (fragment !== undefined && target.endsWith('.md') && !anchors(target).has(fragment)) broken.push(`${href}: no heading #${fragment} in ${target}`);
    }
    expect(broken).toEqual([]);
  });

  it('names no path outside the repository, in a link or in its text', () => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    expect(text).not.toMatch(/\.\.\/shared\b|\/work\/|pca-facts\.md/);
    expect(local.filter((href) => normalize(join(dirname(page), href.split('#')[0]!)).startsWith('..'))).toEqual([]);
  });
});

describe('the README', () => {
  it('links every page of docs/', () => {
    const linked = new Set(read('README.md').links.map((href) => normalize(href.split('#')[0]!)));
    const pages = PAGES.filter((page) => page.startsWith('docs/'));
    expect(pages.filter((page) => !linked.has(page))).toEqual([]);
  });

  it('is at most 300 lines', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length - 1).toBeLessThanOrEqual(300);
  });
});

describe('the repository', () => {
  it('names no path outside it in any tracked text file', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    const text = tracked.filter((path) => /\.(md|ts|cjs|mjs|js|json|ya?ml|sh)$/.test(path) || path.endsWith('/run'));
    // This file itself names the pattern it looks for.
    const offenders = text.filter((path) => path !== 'test/docs/links.test.ts' && /\.\.\/shared\/|pca-facts\.md/.test(readFileSync(join(ROOT, path), 'utf8')));
    expect(text.length).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });
});
