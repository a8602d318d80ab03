import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readZip, readZipEntry, zipEntries, ZipFormatError } from '../../src/bench/zip';
import { makeZip } from './zip-writer';

const HANDLER = `import{createRequire as r}from"node:module";export const handler=async()=>({ok:!0});\n`.repeat(200);

describe('the zip reader', () => {
  it('lists the entries of the central directory with their sizes and methods', () => {
    // Prepare
    const zip = makeZip([
      { name: 'src/handlers/classify-event.mjs', content: HANDLER },
      { name: 'README', content: 'stored as is', method: 0 },
    ]);

    // Act
    const entries = zipEntries(zip);

    // Assess
    expect(entries.map(({ name, method, size }) => ({ name, method, size }))).toEqual([
      { name: 'src/handlers/classify-event.mjs', method: 8, size: Buffer.byteLength(HANDLER) },
      { name: 'README', method: 0, size: 12 },
    ]);
    expect(entries[0]!.compressedSize).toBeLessThan(entries[0]!.size);
  });

  it.each([
    ['a deflated text file', { name: 'a.mjs', content: HANDLER }],
    ['a stored file', { name: 'b.txt', content: 'plain', method: 0 as const }],
    ['random bytes, deflated', { name: 'c.bin', content: randomBytes(4096) }],
    ['an empty file', { name: 'empty', content: '' }],
    ['a UTF-8 name', { name: 'dossier/é✓.json', content: '{}' }],
    ['a local header with its own extra field', { name: 'd.mjs', content: HANDLER, localExtra: Buffer.from([0x55, 0x54, 0x05, 0x00, 1, 2, 3, 4, 5]) }],
  ])('reads back %s byte for byte', (_case, input) => {
    const zip = makeZip([input]);
    const expected = Buffer.isBuffer(input.content) ? input.content : Buffer.from(input.content);
    expect(readZip(zip).get(input.name)).toEqual(expected);
  });

  it('finds the directory behind an archive comment', () => {
    const zip = makeZip([{ name: 'x.mjs', content: HANDLER }], 'packaged by a test'.repeat(100));
    expect(readZip(zip).get('x.mjs')!.toString()).toBe(HANDLER);
  });

  it('leaves directory entries out of the files', () => {
    const zip = makeZip([
      { name: 'src/', content: '', method: 0 },
      { name: 'src/a.mjs', content: 'export {}' },
    ]);
    expect([...readZip(zip).keys()]).toEqual(['src/a.mjs']);
  });

  it('refuses an entry whose CRC-32 does not match its content', () => {
    const zip = makeZip([{ name: 'a.txt', content: 'twelve bytes', method: 0 }]);
    const entry = zipEntries(zip)[0]!;
    const dataStart = 30 + 'a.txt'.length;
    zip[dataStart] = 'T'.charCodeAt(0);
    expect(() => readZipEntry(zip, entry)).toThrow(/CRC-32 mismatch/);
  });

  it('refuses what is not a ZIP archive', () => {
    expect(() => zipEntries(Buffer.from('not a zip at all, just text that is long enough'))).toThrow(ZipFormatError);
  });
});
