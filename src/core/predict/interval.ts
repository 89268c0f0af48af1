// The ensemble interval (training/train/ensemble.py calibrate_interval, models/README.md): the prediction is the
// members' mean; the half-width is spreadScale × the members' population std, calibrated so that `coverage` of the
// validation graphs fell inside, with relativeErrorQ × prediction as a floor for when the members happen to agree.

export interface IntervalCalibration {
  spreadScale: number;
  relativeErrorQ: number;
}

/** Population standard deviation (divide by M, as numpy's default std the calibration used). */
export function populationStd(values: ArrayLike<number>): number {
  const m = values.length;
  if (m === 0) return 0;
  let mean = 0;
  for (let i = 0; i < m; i++) mean += values[i];
  mean /= m;
  let ss = 0;
  for (let i = 0; i < m; i++) ss += (values[i] - mean) ** 2;
  return Math.sqrt(ss / m);
}

export function intervalHalfWidth(latencyMs: number, members: ArrayLike<number>, c: IntervalCalibration): number {
  return Math.max(c.spreadScale * populationStd(members), c.relativeErrorQ * Math.abs(latencyMs));
}

/** [low, high] around the prediction; a latency cannot be negative, so low stops at 0. */
export function predictionInterval(latencyMs: number, members: ArrayLike<number>, c: IntervalCalibration): [number, number] {
  const half = intervalHalfWidth(latencyMs, members, c);
  return [Math.max(0, latencyMs - half), latencyMs + half];
}
