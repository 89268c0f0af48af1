// `nar-lens dataset label`: measures the latency of a data set's graphs on this CPU and appends the labels.
// Resumes from the committed files alone: (id, pass) pairs already in labels.jsonl (or in label-failures.jsonl)
// are skipped, so any interruption loses at most the block in progress and never duplicates a label.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset, labellingOrder, noiseSubset, openDataset, readJsonl, Sample } from '../../core/dataset';
import { cpuModel, ortVersion } from './environment';
import { appendLines, repairTail } from './labelFile';
import { CanaryBaseline, DEFAULT_PROTOCOL, measureBlock, protocolName, ProtocolOptions, readCanary } from './protocol';
import { MeasureError, openTimedModel, TimedModel } from './session';

export const CPU_PLATFORM = 'ort-cpu-x86-1t';

export interface LabelRunOptions {
  datasetDir: string;
  pass: number;
  platform?: string;
  /** Graph-only or full ONNX file timed in every round (default: <dataset>/canary.onnx). */
  canaryPath?: string;
  blockSize?: number;
  /** Stop after this many models (all when absent). */
  limit?: number;
  /** 'noise': only the fixed 200-model noise subset. */
  subset?: 'all' | 'noise';
  families?: string[];
  protocol?: ProtocolOptions;
  log: (line: string) => void;
  /** When everything is measured, keep polling samples.jsonl for new samples until none came for this long. */
  followMinutes?: number;
  pollMs?: number;
  /** Polled between blocks; true stops the run cleanly after the block in progress. */
  shouldStop?: () => boolean;
}

export interface LabelRunResult {
  labelled: number;
  failed: number;
  remaining: number;
  seconds: number;
}

interface FailureRow {
  id: string;
  pass: number;
  platform: string;
  error: string;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m`;
}

const sig = (x: number) => Number(x.toPrecision(5));

export async function runLabelling(o: LabelRunOptions): Promise<LabelRunResult> {
  const started = Date.now();
  const platform = o.platform ?? CPU_PLATFORM;
  const protocol = o.protocol ?? DEFAULT_PROTOCOL;
  const blockSize = o.blockSize ?? 50;
  const labelsPath = join(o.datasetDir, 'labels.jsonl');
  const failuresPath = join(o.datasetDir, 'label-failures.jsonl');
  const dropped = repairTail(labelsPath) + repairTail(failuresPath);
  if (dropped) o.log(`label: removed ${dropped} bytes of a line cut off by an earlier interruption`);

  const candidatesOf = (): { all: number; todo: Sample[]; ds: Dataset } => {
    const ds = openDataset(o.datasetDir);
    if (!ds.meta.platforms.some((p) => p.id === platform)) {
      throw new MeasureError(`${ds.meta.name}: platform '${platform}' is not declared in dataset.json`);
    }
    const done = new Set(ds.labels.filter((l) => l.platform === platform && l.pass === o.pass).map((l) => l.id));
    for (const f of readJsonl<FailureRow>(failuresPath).rows) if (f.pass === o.pass && f.platform === platform) done.add(f.id);
    let candidates = o.subset === 'noise' ? noiseSubset(ds.samples, ds.meta.families) : labellingOrder(ds.samples, ds.meta.families);
    if (o.families) candidates = candidates.filter((s) => o.families!.includes(s.family));
    return { all: candidates.length, todo: candidates.filter((s) => !done.has(s.id)), ds };
  };
  let { all, todo, ds } = candidatesOf();
  o.log(`label: ${ds.meta.name} pass ${o.pass}: ${all - todo.length} of ${all} already done, ${todo.length} to measure`);

  const canaryPath = o.canaryPath ?? join(o.datasetDir, 'canary.onnx');
  const canary = await openTimedModel(readFileSync(canaryPath));
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) readings.push(await readCanary(canary, protocol));
  const baseline = new CanaryBaseline(Math.min(...readings));
  const env = { protocol: protocolName(protocol), ortVersion: ortVersion(), cpuModel: cpuModel() };
  o.log(`label: canary ${canaryPath} baseline ${baseline.ms.toFixed(3)} ms; ${env.cpuModel}; onnxruntime ${env.ortVersion}`);

  let labelled = 0;
  let failed = 0;
  let idleSince = Date.now();
  let busySeconds = 0; // measuring time only: --follow waits do not dilute the rate
  for (;;) {
    if (o.shouldStop?.() || (o.limit !== undefined && labelled + failed >= o.limit)) break;
    if (todo.length === 0) {
      // --follow: a generator may still be adding samples; wait for them until it has been quiet long enough.
      if (!o.followMinutes || Date.now() - idleSince > o.followMinutes * 60_000) break;
      await new Promise((resolve) => setTimeout(resolve, o.pollMs ?? 60_000));
      ({ all, todo, ds } = candidatesOf());
      if (todo.length) o.log(`label: ${todo.length} new samples to measure`);
      continue;
    }
    const room = o.limit === undefined ? blockSize : Math.min(blockSize, o.limit - labelled - failed);
    const block = todo.splice(0, room);
    const blockStart = Date.now();
    const open: { id: string; batch: number; model: TimedModel }[] = [];
    const failures: FailureRow[] = [];
    for (const s of block) {
      try {
        open.push({ id: s.id, batch: s.batch ?? 1, model: await openTimedModel(ds.graph(s)) });
      } catch (err) {
        failures.push({ id: s.id, pass: o.pass, platform, error: (err as Error).message });
      }
    }
    const results = open.length ? await measureBlock(open.map((x) => x.model), canary, baseline, protocol) : [];
    const time = new Date().toISOString();
    const rows = results.map((r, i) => ({
      id: open[i].id,
      platform,
      latencyMs: sig(r.latencyMs),
      batch: open[i].batch,
      pass: o.pass,
      roundMediansMs: r.roundMediansMs.map(sig),
      roundSpread: sig(r.roundSpread),
      canaryMs: sig(r.canaryMs),
      canaryBaselineMs: sig(r.canaryBaselineMs),
      canaryDrift: sig(r.canaryDrift),
      remeasuredRounds: r.remeasuredRounds,
      ...env,
      time,
    }));
    appendLines(labelsPath, rows);
    appendLines(failuresPath, failures);
    for (const f of failures) o.log(`label: ${f.id} failed: ${f.error}`);
    for (const x of open) await x.model.session.release();
    labelled += rows.length;
    failed += failures.length;
    idleSince = Date.now();
    busySeconds += (Date.now() - blockStart) / 1000;
    const rate = (labelled + failed) / busySeconds;
    const left = o.limit === undefined ? todo.length : Math.min(todo.length, o.limit - labelled - failed);
    const drift = results.length ? results[0].canaryDrift : 0;
    o.log(`label: pass ${o.pass} ${all - todo.length}/${all} ` +
      `(+${rows.length} in ${((Date.now() - blockStart) / 1000).toFixed(0)} s, ${(rate * 3600).toFixed(0)}/h, ` +
      `canary ${drift >= 0 ? '+' : ''}${(drift * 100).toFixed(1)}%, remeasured rounds ${results[0]?.remeasuredRounds ?? 0}) ` +
      `ETA ${formatDuration(left / rate)}`);
  }
  await canary.session.release();
  return { labelled, failed, remaining: todo.length, seconds: (Date.now() - started) / 1000 };
}
