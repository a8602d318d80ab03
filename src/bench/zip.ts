/**
 * A small ZIP reader, enough for the archives `sls package` writes: the central
 * directory lists every entry (name, method, sizes, CRC, where its local header is),
 * entries are stored or deflated. No dependency: node:zlib inflates and checks the CRC.
 * ZIP64 archives (over 4 GiB or 65,535 entries) and encrypted entries are refused.
 */
import { crc32, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Offset of the entry's local file header. */
  localHeaderOffset: number;
}

export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const END_RECORD_SIZE = 22;
const MAX_COMMENT = 0xffff;

function endOfCentralDirectory(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - END_RECORD_SIZE - MAX_COMMENT);
  for (let offset = zip.length - END_RECORD_SIZE; offset >= lowest; offset -= 1) {
    if (zip.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  throw new ZipFormatError('not a ZIP archive: no end of central directory record');
}

/** Every entry the central directory lists, in its order. */
export function zipEntries(zip: Buffer): ZipEntry[] {
  const end = endOfCentralDirectory(zip);
  const count = zip.readUInt16LE(end + 10);
  const directoryOffset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw new ZipFormatError('ZIP64 archives are not supported');
  const entries: ZipEntry[] = [];
  let offset = directoryOffset;
  for (let index = 0; index < count; index += 1) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== CENTRAL_FILE_HEADER) throw new ZipFormatError(`central directory entry ${index} is damaged`);
    const flags = zip.readUInt16LE(offset + 8);
    if (flags & 0x1) throw new ZipFormatError('encrypted entries are not supported');
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      name: zip.toString(flags & 0x800 ? 'utf8' : 'latin1', offset + 46, offset + 46 + nameLength),
      method: zip.readUInt16LE(offset + 10),
      crc32: zip.readUInt32LE(offset + 16),
      compressedSize: zip.readUInt32LE(offset + 20),
      size: zip.readUInt32LE(offset + 24),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The content of one entry, inflated and checked against its CRC-32. */
export function readZipEntry(zip: Buffer, entry: ZipEntry): Buffer {
  const header = entry.localHeaderOffset;
  if (zip.readUInt32LE(header) !== LOCAL_FILE_HEADER) throw new ZipFormatError(`${entry.name}: local header not found`);
  // The local header's own name and extra lengths: its extra field may differ from the central one.
  const start = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  let content: Buffer;
  if (entry.method === 0) content = Buffer.from(data);
  else if (entry.method === 8) content = inflateRawSync(data);
  else throw new ZipFormatError(`${entry.name}: compression method ${entry.method} is not supported`);
  if (content.length !== entry.size) throw new ZipFormatError(`${entry.name}: ${content.length} bytes, the directory says ${entry.size}`);
  if (crc32(content) >>> 0 !== entry.crc32 >>> 0) throw new ZipFormatError(`${entry.name}: CRC-32 mismatch`);
  return content;
}

/** Name → content of every file entry (directories left out). */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of zipEntries(zip)) {
    if (!entry.name.endsWith('/')) files.set(entry.name, readZipEntry(zip, entry));
  }
  return files;
}
