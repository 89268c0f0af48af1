// What a label must record about where it was measured.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux: fall through to what Node reports
  }
  return cpus()[0]?.model?.trim() || 'unknown';
}

export function ortVersion(): string {
  const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  return ort.env.versions?.node ?? ort.env.versions?.common ?? 'unknown';
}
