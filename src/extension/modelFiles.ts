// Which files are models: .onnx and the exported graph formats the core reads. One place, used by the watcher,
// the decorations, the CodeLens scanner and package.json's globs (keep them in step).
export const MODEL_EXTENSIONS = ['.onnx', '.graph.json'] as const;
export const MODEL_GLOB = '**/*.{onnx,graph.json}';

export function isModelPath(path: string): boolean {
  const lower = path.toLowerCase();
  return MODEL_EXTENSIONS.some((ext) => lower.endsWith(ext));
}
