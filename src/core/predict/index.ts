// The pure side of prediction: manifest, input packing, interval, OOD. Sessions and execution providers live
// with onnxruntime in src/server/predictor.ts.
export { ManifestError, TokenMismatchError, PredictorOutputError } from './errors';
export { loadManifest, sha256File, MANIFEST_SCHEMA_VERSION, type PredictorEntry, type PredictorManifest, type TokenKind } from './manifest';
export { packInputs, checkCompatible, denseAdjacency, INPUT_NAMES, type PackedInputs, type PackedTensor } from './pack';
export { predictionInterval, intervalHalfWidth, populationStd, type IntervalCalibration } from './interval';
export { oodDistance, isOutOfDistribution, parseOodReference, type OodReference } from './ood';
export { toEstimate, type Estimate, type RawOutputs } from './estimate';
