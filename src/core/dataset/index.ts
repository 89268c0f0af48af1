export * from './types';
export { DatasetFormatError, readJsonl } from './jsonl';
export { ShardReader, splitRecords, joinRecords, shardFileName } from './shards';
export { openDataset, listDatasetDirs, finalLabels, LABEL_FILES } from './loader';
export type { Dataset } from './loader';
export { datasetStats } from './stats';
export type { DatasetStats } from './stats';
export { noiseFloor, noiseSubset, labellingOrder, NOISE_SUBSET_SIZE } from './noise';
export type { NoiseReport } from './noise';
