/**
 * Reads the archives `sls package` writes, with yauzl (a maintained ZIP reader that
 * decodes names, handles ZIP64 and checks each entry's size). yauzl leaves CRC-32 checking
 * to its caller (its README, "No CRC-32 Checking"): node:zlib computes it here.
 */
import { crc32 } from 'node:zlib';
import { buffer } from 'node:stream/consumers';
import yauzl from 'yauzl';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
}

export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

async function open(zip: Buffer): Promise<yauzl.ZipFile> {
  try {
    return await yauzl.fromBufferPromise(zip, { lazyEntries: true, strictFileNames: true });
  } catch (error) {
    throw new ZipFormatError(`not a readable ZIP archive: ${(error as Error).message}`);
  }
}

async function* entries(zipfile: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  try {
    for await (const entry of zipfile.eachEntry()) yield entry;
  } catch (error) {
    throw new ZipFormatError((error as Error).message);
  }
}

function described(entry: yauzl.Entry): ZipEntry {
  return { name: entry.fileName, method: entry.compressionMethod, compressedSize: entry.compressedSize, size: entry.uncompressedSize, crc32: entry.crc32 };
}

/** Every entry the central directory lists, in its order. */
export async function zipEntries(zip: Buffer): Promise<ZipEntry[]> {
  const listed: ZipEntry[] = [];
  for await (const entry of entries(await open(zip))) listed.push(described(entry));
  return listed;
}

/** Name → content of every file entry (directories left out), each checked against its CRC-32. */
export async function readZip(zip: Buffer): Promise<Map<string, Buffer>> {
  const zipfile = await open(zip);
  const files = new Map<string, Buffer>();
  for await (const entry of entries(zipfile)) {
    if (entry.fileName.endsWith('/')) continue;
    let content: Buffer;
    try {
      content = await buffer(await zipfile.openReadStreamPromise(entry));
    } catch (error) {
      throw new ZipFormatError(`${entry.fileName}: ${(error as Error).message}`);
    }
    if (crc32(content) >>> 0 !== entry.crc32 >>> 0) throw new ZipFormatError(`${entry.fileName}: CRC-32 mismatch`);
    files.set(entry.fileName, content);
  }
  return files;
}
