// The data set layout contract (datasets/README.md) as types. Every data set — measured here (cpu-zoo) or
// imported from published tables (help-*) — is read through these, so training and stats see one shape of data.

export interface PlatformInfo {
  id: string;
  description?: string;
  /** false: the labels are sums of per-block lookup-table entries, not whole-network timings. */
  wholeNetwork?: boolean;
  source?: string;
  batch?: number;
}

export interface DatasetMeta {
  name: string;
  description?: string;
  builderVersion?: string;
  batchSizes?: number[];
  families: string[];
  platforms: PlatformInfo[];
}

export interface Sample {
  id: string;
  family: string;
  /** The arch string or config object that rebuilds the network. */
  config: unknown;
  seed?: number;
  batch: number;
  /** Shard number (graphs/shard-NNN.bin.gz) or a shard file name. */
  shard: number | string;
  index: number;
}

/** The protocol record of a label we measured ourselves (absent from imported labels). */
export interface MeasuredProtocol {
  protocol: string;
  pass: number;
  /** Median of each accepted round's timed runs, ms. */
  roundMediansMs: number[];
  /** (max - min) / min over the round medians. */
  roundSpread: number;
  /** The canary's median in the round that gave the label, its baseline, and canaryMs / baselineMs - 1. */
  canaryMs: number;
  canaryBaselineMs: number;
  canaryDrift: number;
  /** Rounds measured again because the canary was too far off its baseline. */
  remeasuredRounds: number;
  ortVersion: string;
  cpuModel: string;
  time: string;
}

export interface Label extends Partial<MeasuredProtocol> {
  id: string;
  platform: string;
  latencyMs: number;
  batch?: number;
}
