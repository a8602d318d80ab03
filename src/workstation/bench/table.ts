/** Plain-text tables and the units the benchmark report prints. */

export { renderTable, type Column } from '../cli/text-table';

export const KIB = 1024;
export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

/** `1.5 KiB`, `2.61 MiB`, `23.5 GiB`: binary units, as the 512 KiB bundle target. */
export function formatBytes(bytes: number): string {
  if (bytes < KIB) return `${bytes} B`;
  if (bytes < MIB) return `${(bytes / KIB).toFixed(1)} KiB`;
  if (bytes < GIB) return `${(bytes / MIB).toFixed(2)} MiB`;
  return `${(bytes / GIB).toFixed(1)} GiB`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return 'n/a';
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function passMiss(pass: boolean | null): string {
  return pass === null ? 'n/a' : pass ? 'PASS' : 'MISS';
}
