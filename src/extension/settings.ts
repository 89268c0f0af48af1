// narLens.* settings, read per resource (dimension overrides may differ between folders of a workspace).
import * as vscode from 'vscode';
import type { AnalyzeOptions } from '../server/protocol';
import { defaultExecutionProviders } from '../server/executionProviders';

export interface LensSettings {
  platform: string;
  batch: number;
  overrides: Record<string, number>;
  regressionThreshold: number;
  executionProviders: string[];
  maxFileSizeMB: number;
}

export function readSettings(scope?: vscode.Uri): LensSettings {
  const c = vscode.workspace.getConfiguration('narLens', scope);
  const eps = c.get<string[]>('executionProviders') ?? [];
  const overrides: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.get<Record<string, unknown>>('dimensionOverrides') ?? {})) {
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) overrides[k] = v;
  }
  return {
    platform: c.get<string>('platform') ?? '',
    batch: Math.max(1, Math.floor(c.get<number>('batch') ?? 1)),
    overrides,
    regressionThreshold: Math.max(0, c.get<number>('regressionThreshold') ?? 5),
    executionProviders: eps.length > 0 ? eps : defaultExecutionProviders(),
    maxFileSizeMB: Math.max(1, c.get<number>('maxFileSizeMB') ?? 2048),
  };
}

export function analyzeOptions(s: LensSettings): AnalyzeOptions {
  return { batch: s.batch, overrides: s.overrides, executionProviders: s.executionProviders, maxFileSizeMB: s.maxFileSizeMB };
}
