// The measurement protocol (datasets/cpu-zoo/README.md, after the latency-labels recipe): rounds interleaved
// across a block of models, each round = warm-ups + timed runs per model, label = the lowest round median; a
// canary model is timed before and after every round and the round is measured again when the canary is more
// than `canaryTolerance` slower than its baseline (the CPU of these machines has slow phases of minutes).
import { median, TimedModel, timeRuns } from './session';
import type { MeasuredProtocol } from '../../core/dataset/types';

export interface ProtocolOptions {
  rounds: number;
  warmups: number;
  runs: number;
  canaryTolerance: number;
  maxRemeasure: number;
}

// One re-measurement per round: slow phases last minutes, so more retries mostly repeat slow readings while
// doubling the cost again; the canary reading and drift of every label let analysis discount what remains.
export const DEFAULT_PROTOCOL: ProtocolOptions = { rounds: 3, warmups: 3, runs: 10, canaryTolerance: 0.1, maxRemeasure: 1 };

export function protocolName(p: ProtocolOptions): string {
  return `ort-cpu-1t/interleaved: ${p.rounds} rounds x (${p.warmups} warm-up + ${p.runs} timed), lowest round median, ` +
    `canary re-measure > ${Math.round(p.canaryTolerance * 100)}% (max ${p.maxRemeasure})`;
}

/** The canary's reference time: the fastest reading seen so far in this process (slow phases only add time). */
export class CanaryBaseline {
  constructor(public ms: number) {}
  observe(ms: number): void {
    if (ms < this.ms) this.ms = ms;
  }
}

/** What one block measures per model: the label and the round/canary part of its protocol record. */
export type BlockLabel = { latencyMs: number } & Pick<MeasuredProtocol,
  'roundMediansMs' | 'roundSpread' | 'canaryMs' | 'canaryBaselineMs' | 'canaryDrift' | 'remeasuredRounds'>;

/** Median canary time over one reading (`warmups` + `runs`). */
export async function readCanary(canary: TimedModel, p: ProtocolOptions): Promise<number> {
  return median(await timeRuns(canary, p.warmups, p.runs));
}

/** Measures a block of open models; returns one label per model, in order. */
export async function measureBlock(models: TimedModel[], canary: TimedModel, baseline: CanaryBaseline,
  p: ProtocolOptions = DEFAULT_PROTOCOL): Promise<BlockLabel[]> {
  const rounds: { medians: number[]; canaryMs: number; baselineMs: number }[] = [];
  let remeasured = 0;
  for (let r = 0; r < p.rounds; r++) {
    for (let attempt = 0; ; attempt++) {
      const before = await readCanary(canary, p);
      const medians: number[] = [];
      for (const m of models) medians.push(median(await timeRuns(m, p.warmups, p.runs)));
      const after = await readCanary(canary, p);
      baseline.observe(Math.min(before, after));
      const canaryMs = Math.max(before, after); // the slower reading: a slow phase anywhere in the round counts
      const slow = canaryMs > baseline.ms * (1 + p.canaryTolerance);
      if (slow && attempt < p.maxRemeasure) {
        remeasured++;
        continue;
      }
      rounds.push({ medians, canaryMs, baselineMs: baseline.ms });
      break;
    }
  }
  return models.map((_, i) => {
    const perRound = rounds.map((round) => round.medians[i]);
    let best = 0;
    for (let r = 1; r < perRound.length; r++) if (perRound[r] < perRound[best]) best = r;
    const lo = Math.min(...perRound);
    const hi = Math.max(...perRound);
    return {
      latencyMs: perRound[best],
      roundMediansMs: perRound,
      roundSpread: (hi - lo) / lo,
      canaryMs: rounds[best].canaryMs,
      canaryBaselineMs: rounds[best].baselineMs,
      canaryDrift: rounds[best].canaryMs / rounds[best].baselineMs - 1,
      remeasuredRounds: remeasured,
    };
  });
}
