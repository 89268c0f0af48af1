// Recognises common non-ONNX files by their first bytes, so that opening a PNG or a PyTorch checkpoint says
// what it is instead of reporting a protobuf error deep inside garbage.

const SIGNATURES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (a PyTorch checkpoint or a .npz?)'],
  [[0x1f, 0x8b], 'a gzip file'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an ELF executable'],
  [[0x89, 0x48, 0x44, 0x46], 'an HDF5 file (a Keras model?)'],
  [[0x80, 0x02], 'a Python pickle'],
  [[0x80, 0x04], 'a Python pickle'],
  [[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'a NumPy array'],
  [[0x54, 0x46, 0x4c, 0x33], 'a TensorFlow Lite model'],
];

/** A known binary format recognised by its magic number (never the start of a real ONNX file), else undefined. */
export function knownBinaryFormat(head: Uint8Array): string | undefined {
  for (const [magic, what] of SIGNATURES) {
    if (head.length >= magic.length && magic.every((byte, i) => head[i] === byte)) return what;
  }
  // TFLite carries its identifier at offset 4.
  if (head.length >= 8 && String.fromCharCode(...head.subarray(4, 8)) === 'TFL3') return 'a TensorFlow Lite model';
  return undefined;
}

/** What the file looks like when it is recognisably not ONNX, else undefined. Used once decoding has failed. */
export function describeNonOnnx(head: Uint8Array): string | undefined {
  const binary = knownBinaryFormat(head);
  if (binary) return binary;
  // Text (JSON, YAML, a pbtxt dump, source code): ONNX binaries start with a varint tag, never with these.
  const first = head[0];
  if (first === 0x7b || first === 0x5b || first === 0x3c || first === 0x23) return 'a text file';
  if (head.length >= 16 && isMostlyPrintable(head)) return 'a text file';
  return undefined;
}

function isMostlyPrintable(head: Uint8Array): boolean {
  const n = Math.min(head.length, 256);
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const c = head[i];
    if ((c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a || c === 0x0d) printable++;
  }
  return printable === n;
}
