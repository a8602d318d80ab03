import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readZip, zipEntries, ZipFormatError } from '../../../src/workstation/bench/zip';
import { makeZip } from './zip-writer';

const HANDLER = `import{createRequire as r}from"node:module";export const handler=async()=>({ok:!0});\n`.repeat(200);

describe('the zip reader', () => {
  it('lists the entries of the central directory with their sizes and methods', async () => {
    // Prepare
    const zip = makeZip([
      { name: 'src/lambda/handlers/classify-event.mjs', content: HANDLER },
      { name: 'README', content: 'stored as is', method: 0 },
    ]);

    // Act
    const entries = await zipEntries(zip);

    // Assess
    expect(entries.map(({ name, method, size }) => ({ name, method, size }))).toEqual([
      { name: 'src/lambda/handlers/classify-event.mjs', method: 8, size: Buffer.byteLength(HANDLER) },
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
  ])('reads back %s byte for byte', async (_case, input) => {
    const zip = makeZip([input]);
    const expected = Buffer.isBuffer(input.content) ? input.content : Buffer.from(input.content);
    expect((await readZip(zip)).get(input.name)).toEqual(expected);
  });

  it('finds the directory behind an archive comment', async () => {
    const zip = makeZip([{ name: 'x.mjs', content: HANDLER }], 'packaged by a test'.repeat(100));
    expect((await readZip(zip)).get('x.mjs')!.toString()).toBe(HANDLER);
  });

  it('leaves directory entries out of the files', async () => {
    const zip = makeZip([
      { name: 'src/', content: '', method: 0 },
      { name: 'src/a.mjs', content: 'export {}' },
    ]);
    expect([...(await readZip(zip)).keys()]).toEqual(['src/a.mjs']);
  });

  it('refuses an entry whose CRC-32 does not match its content', async () => {
    const zip = makeZip([{ name: 'a.txt', content: 'twelve bytes', method: 0 }]);
    const dataStart = 30 + 'a.txt'.length;
    expect(zip.toString('latin1', dataStart, dataStart + 12)).toBe('twelve bytes');
    zip[dataStart] = 'T'.charCodeAt(0);
    await expect(readZip(zip)).rejects.toThrow(/^a\.txt: CRC-32 mismatch$/);
  });

  it('refuses an entry whose size is not the one the directory gives', async () => {
    const zip = makeZip([{ name: 'a.txt', content: 'twelve bytes' }]);
    // The central directory's uncompressed size (after the 30-byte local header, the name and the data).
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(11, central + 24);
    await expect(readZip(zip)).rejects.toThrow(ZipFormatError);
  });

  it('refuses what is not a ZIP archive', async () => {
    await expect(zipEntries(Buffer.from('not a zip at all, just text that is long enough'))).rejects.toThrow(ZipFormatError);
  });
});
