// A cursor over protobuf wire format. Every read is checked against the end of the enclosing message (`limit`)
// before it happens, so a corrupt length can never make the reader run past its message, and every loop over
// fields consumes at least one byte per iteration (the tag), so no input can make it spin. Errors carry the
// absolute byte offset and the field path (graph.node[17].attribute[2]) of where decoding was.

import { MemoryByteSource, type ByteSource } from './byteSource';
import { ModelReadError } from './errors';
import type { ResolvedReadOptions } from './options';

export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;
const WIRE_NAMES = ['varint', '64-bit', 'length-delimited', 'group start', 'group end', '32-bit', 'invalid (6)', 'invalid (7)'];

const TWO_POW_32 = 4294967296;
const scratch = new DataView(new ArrayBuffer(8));
/**
 * The unsigned 32-bit halves (lo, hi) of the last raw varint. Kept outside the cursor: as cursor fields they would
 * switch from small-integer to double representation in the middle of a read, which gives the cursor a new hidden
 * class per read (see retire()).
 */
const halves = new Uint32Array(2);

export class WireCursor {
  /** Absolute offset of the next byte to read. */
  pos = 0;
  /** End (exclusive) of the message being decoded. */
  limit: number;
  private depth = 0;
  private items = 0;
  private readonly pathNames: string[] = [];
  private readonly pathIndexes: number[] = [];

  constructor(
    private source: ByteSource,
    readonly fileName: string,
    readonly options: ResolvedReadOptions,
  ) {
    this.limit = source.size;
    // Start from whatever window the source already holds (the caller peeked at the file's head).
    this.buf = source.bytes;
    this.text = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.bufStart = source.start;
    this.bufEnd = source.end;
  }

  // ---- errors and bookkeeping ----

  fieldPath(): string {
    let path = '';
    for (let i = 0; i < this.pathNames.length; i++) {
      const index = this.pathIndexes[i];
      path += (i > 0 ? '.' : '') + this.pathNames[i] + (index >= 0 ? `[${index}]` : '');
    }
    return path;
  }

  fail(problem: string, at: number = this.pos): ModelReadError {
    return new ModelReadError(this.fileName, at, this.fieldPath(), problem);
  }

  /** Enter a named part of the structure for error messages; `index` for repeated fields. */
  push(name: string, index = -1): void {
    this.pathNames.push(name);
    this.pathIndexes.push(index);
  }

  pop(): void {
    this.pathNames.pop();
    this.pathIndexes.pop();
  }

  /** Count decoded items against ReadOptions.maxItems, which bounds the memory a model can make us allocate. */
  count(n = 1): void {
    this.items += n;
    if (this.items > this.options.maxItems) {
      throw this.fail(`more than ${this.options.maxItems} decoded items (ReadOptions.maxItems)`);
    }
  }

  get remaining(): number {
    return this.limit - this.pos;
  }

  /**
   * Ends this cursor's life: drops its window and source and keeps it as the one retired cursor. Why keep it: V8
   * frees an object's hidden class (map) at a full GC once no live object uses it, and then discards every piece of
   * optimised code that embedded it ("deoptimization: weak objects"). A cursor lives for one read, so a full GC
   * between two reads (a long-running extension host or server does them; so does the benchmark) would otherwise
   * send every hot decoder back to the interpreter, making the next read 3-6x slower. The retired cursor holds
   * no bytes; it keeps the map that real reads produced (fields already generalised, e.g. to doubles) alive.
   */
  retire(): void {
    this.source = NO_SOURCE;
    this.buf = NO_SOURCE.bytes;
    this.text = EMPTY_TEXT;
    this.pos = this.limit = this.bufStart = this.bufEnd = 0;
    this.pathNames.length = 0;
    this.pathIndexes.length = 0;
    recentStrings.fill(undefined); // a read keeps no strings of the model alive after it
    retired = this;
  }

  // ---- windowing ----

  private buf: Uint8Array;
  /** The same window as a Buffer, for Node's native UTF-8 decoding (no copy). */
  private text: Buffer;
  private bufStart: number;
  private bufEnd: number;

  private adoptWindow(): void {
    this.buf = this.source.bytes;
    this.text = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.bufStart = this.source.start;
    this.bufEnd = this.source.end;
  }

  /** Make bytes [pos, pos + n) addressable; callers have checked pos + n <= limit. */
  private ensure(n: number): void {
    if (this.pos < this.bufStart || this.pos + n > this.bufEnd) {
      this.source.fetch(this.pos, n);
      this.adoptWindow();
    }
  }

  /**
   * Before re-walking a small range that may have left the window (a tensor whose values are decoded on a second
   * pass), load exactly that range, so the file is not re-read a full window at a time.
   */
  preload(start: number, end: number): void {
    if (start >= this.bufStart && end <= this.bufEnd) return;
    if (end - start > this.options.windowBytes) return;
    this.source.fetch(start, end - start, true);
    this.adoptWindow();
  }

  /** A view of the next `n` bytes (valid until the next read), advancing past them. */
  readBytesView(n: number): Uint8Array {
    if (n > this.remaining) throw this.fail(`expected ${n} bytes, only ${this.remaining} left in the message`);
    this.ensure(n);
    const at = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(at, at + n);
  }

  // ---- scalars ----

  /** Reads a varint into `halves` (unsigned 32-bit lo, hi). */
  private readRawVarint(): void {
    const available = this.limit - this.pos;
    if (available <= 0) throw this.fail('expected a varint, found the end of the message');
    const span = available < 10 ? available : 10;
    this.ensure(span);
    const buf = this.buf;
    let p = this.pos - this.bufStart;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < span; i++) {
      const b = buf[p++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        if (i === 9 && b > 1) throw this.fail('malformed varint (10th byte > 1)');
        this.pos += i + 1;
        halves[0] = lo;
        halves[1] = hi;
        return;
      }
    }
    if (span < 10) throw this.fail('truncated varint');
    throw this.fail('malformed varint (more than 10 bytes)');
  }

  /** Unsigned varint as a number (exact below 2^53). */
  readVarint(): number {
    // Fast path: one-byte varints are most tags and most small values.
    if (this.pos < this.limit && this.pos >= this.bufStart && this.pos < this.bufEnd) {
      const b = this.buf[this.pos - this.bufStart];
      if (b < 0x80) {
        this.pos++;
        return b;
      }
    }
    this.readRawVarint();
    return halves[1] * TWO_POW_32 + halves[0];
  }

  /** Signed two's-complement int64 (or sign-extended int32) as a number; beyond 2^53 it is rounded. */
  readInt64(): number {
    this.readRawVarint();
    const rawLo = halves[0];
    const rawHi = halves[1];
    if (rawHi & 0x80000000) {
      // Negative: magnitude = two's complement of the 64-bit value.
      const lo = (~rawLo + 1) >>> 0;
      const hi = (~rawHi + (lo === 0 ? 1 : 0)) >>> 0;
      return -(hi * TWO_POW_32 + lo);
    }
    return rawHi * TWO_POW_32 + rawLo;
  }

  readFloat32(): number {
    const bytes = this.readBytesView(4);
    for (let i = 0; i < 4; i++) scratch.setUint8(i, bytes[i]);
    return scratch.getFloat32(0, true);
  }

  readFloat64(): number {
    const bytes = this.readBytesView(8);
    for (let i = 0; i < 8; i++) scratch.setUint8(i, bytes[i]);
    return scratch.getFloat64(0, true);
  }

  // ---- tags, lengths, skipping ----

  /** Reads a field tag; returns field number * 8 + wire type, validated. */
  readTag(): number {
    const at = this.pos;
    const tag = this.readVarint();
    if (tag >= TWO_POW_32) throw this.fail('invalid field tag (too large)', at);
    if (tag < 8) throw this.fail('invalid field number 0 (not protobuf data)', at);
    const wire = tag & 7;
    if (wire === 6 || wire === 7) throw this.fail(`invalid wire type ${wire}`, at);
    return tag;
  }

  /** Length prefix of a length-delimited field, checked against what is left of the enclosing message. */
  readLength(): number {
    const at = this.pos;
    const length = this.readVarint();
    if (length > this.limit - this.pos) {
      throw this.fail(`length ${length} exceeds the ${this.limit - this.pos} bytes left in the message`, at);
    }
    return length;
  }

  /** Throws unless `wire` is one of the expected wire types for field `name`. */
  expectWire(wire: number, expected: number, name: string, alternative = -1): void {
    if (wire !== expected && wire !== alternative) {
      const want = WIRE_NAMES[expected] + (alternative >= 0 ? ` or ${WIRE_NAMES[alternative]}` : '');
      throw this.fail(`field '${name}' has wire type ${WIRE_NAMES[wire]}, expected ${want}`);
    }
  }

  /** Skips a field's value by wire type without reading it (payloads are skipped, not fetched). */
  skip(wire: number): void {
    switch (wire) {
      case WireType.VARINT:
        this.readRawVarint();
        return;
      case WireType.I64:
        this.skipBytes(8);
        return;
      case WireType.LEN: {
        const length = this.readLength(); // (not `pos += readLength()`: that would add to the stale pos)
        this.pos += length;
        return;
      }
      case WireType.I32:
        this.skipBytes(4);
        return;
      default:
        // Groups (3/4) are deprecated protobuf and never used by ONNX: treat them as corruption.
        throw this.fail(`unsupported wire type ${WIRE_NAMES[wire]}`);
    }
  }

  skipBytes(n: number): void {
    if (n > this.remaining) throw this.fail(`expected ${n} bytes, only ${this.remaining} left in the message`);
    this.pos += n;
  }

  // ---- nested messages ----

  /** Starts a sub-message of `length` bytes at pos; returns the outer limit to pass to leave(). */
  enter(length: number): number {
    if (++this.depth > this.options.maxDepth) {
      throw this.fail(`messages nested deeper than ${this.options.maxDepth} (ReadOptions.maxDepth)`);
    }
    const outer = this.limit;
    this.limit = this.pos + length;
    return outer;
  }

  /** Reads the length prefix and enters the sub-message. */
  enterLength(): number {
    return this.enter(this.readLength());
  }

  leave(outer: number): void {
    this.depth--;
    this.pos = this.limit;
    this.limit = outer;
  }

  // ---- strings ----

  /** A length-delimited UTF-8 string (names, attribute strings); refuses strings over maxStringBytes. */
  readString(): string {
    const at = this.pos;
    const length = this.readLength();
    if (length > this.options.maxStringBytes) {
      throw this.fail(`string of ${length} bytes exceeds the limit of ${this.options.maxStringBytes} (ReadOptions.maxStringBytes)`, at);
    }
    if (length === 0) return '';
    this.ensure(length);
    const from = this.pos - this.bufStart;
    this.pos += length;
    return length <= SHORT_STRING_BYTES ? this.shortString(from, length) : this.text.toString('utf8', from, from + length);
  }

  /**
   * A short string, taken from `recentStrings` when the same ASCII bytes were decoded lately: a tensor name is
   * written once per producer and once per consumer, op types and attribute names repeat on every node, and
   * decoding each occurrence anew would allocate thousands of equal strings per model.
   */
  private shortString(from: number, length: number): string {
    const buf = this.buf;
    let hash = 0x811c9dc5; // FNV-1a
    for (let i = from; i < from + length; i++) hash = Math.imul(hash ^ buf[i], 0x01000193);
    const slot = hash & (RECENT_STRINGS - 1);
    const cached = recentStrings[slot];
    if (cached !== undefined && cached.length === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        const byte = buf[from + i];
        // Only ASCII bytes compare one to one with UTF-16 code units.
        if (byte >= 0x80 || cached.charCodeAt(i) !== byte) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const decoded = this.text.toString('utf8', from, from + length);
    recentStrings[slot] = decoded;
    return decoded;
  }

  // ---- repeated scalars (packed or one per tag) ----

  /** Appends int64 values of a repeated field, packed (LEN) or not (VARINT). */
  readInt64s(wire: number, name: string, out: number[]): void {
    this.readInt64sAt(wire, name, out, out.length);
  }

  /**
   * Writes int64 values of a repeated field into `out` from index `at` on; returns the index after the last one.
   * (A caller that reuses `out` keeps its storage, which emptying it with `length = 0` would give up.)
   */
  readInt64sAt(wire: number, name: string, out: number[], at: number): number {
    this.expectWire(wire, WireType.VARINT, name, WireType.LEN);
    if (wire === WireType.VARINT) {
      this.count();
      out[at++] = this.readInt64();
      return at;
    }
    const length = this.readLength();
    const end = this.pos + length;
    const outer = this.limit;
    this.limit = end;
    while (this.pos < end) {
      this.count();
      out[at++] = this.readInt64();
    }
    this.limit = outer;
    return at;
  }

  /** Appends float32 values of a repeated field, packed (LEN) or not (I32). */
  readFloats(wire: number, name: string, out: number[]): void {
    this.expectWire(wire, WireType.I32, name, WireType.LEN);
    if (wire === WireType.I32) {
      this.count();
      out.push(this.readFloat32());
      return;
    }
    const length = this.readLength();
    if (length % 4 !== 0) throw this.fail(`packed floats '${name}' have ${length} bytes, not a multiple of 4`);
    this.count(length / 4);
    for (let i = 0; i < length; i += 4) out.push(this.readFloat32());
  }
}

/** Strings up to this many bytes go through `recentStrings` (names, op types, attribute names). */
const SHORT_STRING_BYTES = 64;
/** Slots of the recent-strings table (a power of two; a colliding string replaces the one in its slot). */
const RECENT_STRINGS = 4096;
const recentStrings: (string | undefined)[] = new Array<string | undefined>(RECENT_STRINGS).fill(undefined);

const NO_SOURCE = new MemoryByteSource(new Uint8Array(0));
const EMPTY_TEXT = Buffer.alloc(0);
/** The last retired cursor (see WireCursor.retire). */
let retired: WireCursor | undefined;
/** For tests: the retired cursor, if any. */
export function retiredCursor(): WireCursor | undefined {
  return retired;
}
