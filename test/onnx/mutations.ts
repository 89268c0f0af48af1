// Deterministic corruptions of protobuf files for the mutation test: truncation, bit flips, field shuffles,
// inflated lengths, splices and varint bombs. The field walker here is written separately from the reader's
// (a shared bug would otherwise hide itself).

export type Random = () => number;

/** mulberry32: a small seeded PRNG, so any failing variant can be regenerated from (seed, index). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (random: Random, n: number) => Math.floor(random() * n);

interface FieldSpan {
  start: number; // tag position
  lengthAt: number; // position of the length varint (LEN fields), else -1
  bodyStart: number;
  end: number;
}

function varintAt(bytes: Uint8Array, at: number, end: number): [number, number] | undefined {
  let value = 0;
  for (let i = 0; i < 10 && at + i < end; i++) {
    const b = bytes[at + i];
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return [value, at + i + 1];
  }
  return undefined;
}

/** Splits [start, end) into fields, or undefined when it is not a well-formed message. */
function splitFields(bytes: Uint8Array, start: number, end: number): FieldSpan[] | undefined {
  const fields: FieldSpan[] = [];
  let at = start;
  while (at < end) {
    const tag = varintAt(bytes, at, end);
    if (!tag || tag[0] < 8) return undefined;
    const wire = tag[0] % 8;
    let next = tag[1];
    let lengthAt = -1;
    let bodyStart = next;
    if (wire === 0) {
      const v = varintAt(bytes, next, end);
      if (!v) return undefined;
      next = v[1];
    } else if (wire === 1) next += 8;
    else if (wire === 5) next += 4;
    else if (wire === 2) {
      const v = varintAt(bytes, next, end);
      if (!v) return undefined;
      lengthAt = next;
      bodyStart = v[1];
      next = v[1] + v[0];
    } else return undefined;
    if (next > end) return undefined;
    fields.push({ start: at, lengthAt, bodyStart, end: next });
    at = next;
  }
  return fields;
}

/** Every length-delimited field down to `maxDepth` levels whose body is itself a message (plus strings/bytes). */
function collectMessages(bytes: Uint8Array, maxDepth = 4): { lenFields: FieldSpan[]; messages: [number, number][] } {
  const lenFields: FieldSpan[] = [];
  const messages: [number, number][] = [[0, bytes.length]];
  const walk = (start: number, end: number, depth: number) => {
    const fields = splitFields(bytes, start, end);
    if (!fields) return;
    for (const field of fields) {
      if (field.lengthAt < 0) continue;
      lenFields.push(field);
      if (depth < maxDepth && field.end - field.bodyStart > 1 && splitFields(bytes, field.bodyStart, field.end)) {
        messages.push([field.bodyStart, field.end]);
        walk(field.bodyStart, field.end, depth + 1);
      }
    }
  };
  walk(0, bytes.length, 0);
  return { lenFields, messages };
}

function encodeVarint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const MUTATION_KINDS = ['truncate', 'bitflip', 'shuffle', 'inflate', 'splice', 'bomb', 'duplicate'] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** Structure of a file, computed once per file and reused by its variants. */
export type FileStructure = ReturnType<typeof collectMessages>;

export function analyse(bytes: Uint8Array): FileStructure {
  return collectMessages(bytes);
}

export function mutate(bytes: Uint8Array, structure: FileStructure, kind: MutationKind, random: Random): Uint8Array {
  switch (kind) {
    case 'truncate':
      return bytes.slice(0, int(random, bytes.length));
    case 'bitflip': {
      const copy = bytes.slice();
      const flips = 1 + int(random, 8);
      for (let i = 0; i < flips; i++) copy[int(random, copy.length)] ^= 1 << int(random, 8);
      return copy;
    }
    case 'shuffle': {
      const [start, end] = structure.messages[int(random, structure.messages.length)];
      const fields = splitFields(bytes, start, end) ?? [];
      for (let i = fields.length - 1; i > 0; i--) {
        const j = int(random, i + 1);
        [fields[i], fields[j]] = [fields[j], fields[i]];
      }
      return concat(bytes.subarray(0, start), ...fields.map((f) => bytes.subarray(f.start, f.end)), bytes.subarray(end));
    }
    case 'inflate': {
      if (structure.lenFields.length === 0) return mutate(bytes, structure, 'bitflip', random);
      const field = structure.lenFields[int(random, structure.lenFields.length)];
      const old = field.end - field.bodyStart;
      const choices = [old + 1, old + 1 + int(random, 1 << 20), 2 ** 31 + int(random, 1000), 2 ** 53 - 1, bytes.length - field.bodyStart + 1];
      const inflated = choices[int(random, choices.length)];
      return concat(bytes.subarray(0, field.lengthAt), encodeVarint(inflated), bytes.subarray(field.bodyStart));
    }
    case 'splice': {
      const at = int(random, bytes.length);
      if (random() < 0.5) return concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + int(random, 64))));
      const junk = Array.from({ length: 1 + int(random, 16) }, () => int(random, 256));
      return concat(bytes.subarray(0, at), junk, bytes.subarray(at));
    }
    case 'bomb': {
      // A run of continuation bytes: varints that never end, or tags with huge field numbers.
      const copy = bytes.slice();
      const at = int(random, copy.length);
      const run = 1 + int(random, 12);
      for (let i = at; i < Math.min(copy.length, at + run); i++) copy[i] = 0xff;
      return copy;
    }
    case 'duplicate': {
      if (structure.lenFields.length === 0) return mutate(bytes, structure, 'truncate', random);
      const field = structure.lenFields[int(random, structure.lenFields.length)];
      const copies = 1 + int(random, 4);
      return concat(bytes.subarray(0, field.end), ...Array(copies).fill(bytes.subarray(field.start, field.end)), bytes.subarray(field.end));
    }
  }
}
