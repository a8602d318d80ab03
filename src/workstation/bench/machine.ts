/** The machine a benchmark ran on, printed with every report: figures mean little without it. */
import { cpus, release, totalmem, type as osType, arch } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryBytes: number;
  os: string;
  node: string;
  date: string;
}

export function describeMachine(now = new Date()): Machine {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryBytes: totalmem(),
    os: `${osType()} ${release()} ${arch()}`,
    node: process.version,
    date: now.toISOString(),
  };
}
