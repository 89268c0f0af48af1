// graphs/shard-NNN.bin.gz: a gzip stream of records [uint32 LE byte length][graph-only ModelProto bytes].
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DatasetFormatError } from './jsonl';

export function shardFileName(shard: number | string): string {
  return typeof shard === 'number' ? `shard-${String(shard).padStart(3, '0')}.bin.gz` : shard;
}

/** Splits a decompressed shard into its records (views into `data`, no copies). */
export function splitRecords(data: Uint8Array, label: string): Uint8Array[] {
  const records: Uint8Array[] = [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new DatasetFormatError(`${label}: truncated record header at byte ${pos}`);
    const length = view.getUint32(pos, true);
    pos += 4;
    if (pos + length > data.length) {
      throw new DatasetFormatError(`${label}: record ${records.length} claims ${length} bytes, ${data.length - pos} left`);
    }
    records.push(data.subarray(pos, pos + length));
    pos += length;
  }
  return records;
}

/** Encodes records as a shard (gzip done by the caller's choice of zlib call). */
export function joinRecords(records: Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of records) {
    const head = Buffer.alloc(4);
    head.writeUInt32LE(r.length, 0);
    parts.push(head, Buffer.from(r.buffer, r.byteOffset, r.byteLength));
  }
  return Buffer.concat(parts);
}

/** Reads shards on demand and keeps the most recent few decompressed (samples are read shard by shard). */
export class ShardReader {
  private cache = new Map<string, Uint8Array[]>();

  // 32: a labelling block spans every family, and the zoo keeps one family per shard.
  constructor(private readonly graphsDir: string, private readonly keep = 32) {}

  records(shard: number | string): Uint8Array[] {
    const name = shardFileName(shard);
    const hit = this.cache.get(name);
    if (hit) {
      this.cache.delete(name); // re-insert: Map order is the LRU order
      this.cache.set(name, hit);
      return hit;
    }
    const path = join(this.graphsDir, name);
    if (!existsSync(path)) throw new DatasetFormatError(`${path}: shard file missing`);
    let data: Uint8Array;
    try {
      data = gunzipSync(readFileSync(path));
    } catch (err) {
      throw new DatasetFormatError(`${path}: not a readable gzip stream (${(err as Error).message})`);
    }
    const records = splitRecords(data, path);
    this.cache.set(name, records);
    if (this.cache.size > this.keep) this.cache.delete(this.cache.keys().next().value as string);
    return records;
  }

  graph(shard: number | string, index: number): Uint8Array {
    const records = this.records(shard);
    if (!Number.isInteger(index) || index < 0 || index >= records.length) {
      throw new DatasetFormatError(`${shardFileName(shard)}: no record ${index} (it has ${records.length})`);
    }
    return records[index];
  }
}
