// `nar-lens convert FILE --to graph-json [-o OUT] [--force]`: writes a model as NAR Lens graph JSON
// (docs/graph-json.md) — the structure and shapes NAR Lens reads, without weights — e.g. to commit a readable,
// diff-able description of an architecture or to feed NAR Lens from a tool that does not write ONNX.
import { existsSync, writeFileSync } from 'node:fs';
import { readModel, isModelFileError, toGraphJsonText } from '../../core/formats';
import { Command, CliIO, UsageError } from '../command';

function defaultOutput(file: string): string {
  return file.replace(/\.onnx$/i, '') + '.graph.json';
}

export const convertCommand: Command = {
  name: 'convert',
  usage: 'nar-lens convert FILE --to graph-json [-o OUT] [--force]',
  summary: 'write a model as NAR Lens graph JSON (structure, shapes, small constants; no weights)',
  async run(args: string[], io: CliIO): Promise<number> {
    let to: string | undefined;
    let out: string | undefined;
    let force = false;
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--to' || a === '-o' || a === '--out') {
        const v = args[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        if (a === '--to') to = v;
        else out = v;
      } else if (a === '--force') force = true;
      else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
      else files.push(a);
    }
    if (files.length !== 1) throw new UsageError(`convert takes one file, got ${files.length}`);
    if (to !== 'graph-json') throw new UsageError(to === undefined ? '--to is required (graph-json)' : `cannot convert to '${to}' (supported: graph-json)`);
    const file = files[0];
    const target = out ?? defaultOutput(file);
    if (target === file) throw new UsageError('the output would overwrite the input; give -o OUT');
    if (existsSync(target) && !force) {
      io.stderr(`nar-lens convert: ${target} exists (use --force to overwrite)\n`);
      return 1;
    }
    try {
      const model = readModel(file);
      writeFileSync(target, toGraphJsonText(model));
      io.stdout(`${target}: ${model.graph.nodes.length} nodes, ${model.graph.initializers.size} initializers (metadata only)\n`);
      return 0;
    } catch (err) {
      if (!isModelFileError(err)) throw err;
      io.stderr(`nar-lens convert: ${err.message}\n`);
      return 1;
    }
  },
};
