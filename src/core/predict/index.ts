// The pure side of prediction: manifest, input packing, interval, OOD. Sessions and execution providers live
// with onnxruntime in src/server/predictor.ts.
export { ManifestError, TokenMismatchError, PredictorOutputError } from './errors';
export { loadManifest, sha256File, INPUT_NAMES, isIndexInput, MANIFEST_SCHEMA_VERSION, type InputForm, type PredictorEntry, type PredictorManifest, type TokenKind } from './manifest';
export { packInputs, packingKey, checkCompatible, inputTensors, type PackedInputs, type PackedTensor, type DenseInputs, type EdgeInputs, type ClassInputs } from './pack';
export { vertexClasses, classInputNames, classLayersOf } from './classes';
export { denseAdjacency, symmetricEdges, type EdgeList } from './graph';
export { predictionInterval, intervalHalfWidth, populationStd, type IntervalCalibration } from './interval';
export { oodDistance, isOutOfDistribution, parseOodReference, type OodReference } from './ood';
export { toEstimate, type Estimate, type RawOutputs } from './estimate';
