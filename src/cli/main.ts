#!/usr/bin/env node
// `nar-lens`: the command-line face of the core pipeline. Sub-commands live in commands/, one file each.
import { Command, CliIO, UsageError } from './command';
import { convertCommand } from './commands/convert';
import { datasetCommand } from './commands/dataset';
import { inspectCommand } from './commands/inspect';
import { platformsCommand } from './commands/platforms';
import { predictCommand } from './commands/predict';
import { tokenizeCommand } from './commands/tokenize';

const commands: Command[] = [
  // Each sub-command registers here, one import per file in commands/.
  convertCommand,
  datasetCommand,
  inspectCommand,
  platformsCommand,
  predictCommand,
  tokenizeCommand,
];

function help(io: CliIO): void {
  io.stdout('nar-lens — predicted latency and cost of neural networks (NAR-Former V2)\n\nCommands:\n');
  for (const c of commands) io.stdout(`  ${c.usage}\n      ${c.summary}\n`);
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    help(io);
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`nar-lens: unknown command '${name}' (try 'nar-lens help')\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`nar-lens ${name}: ${err.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) {
  const io: CliIO = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
  main(process.argv.slice(2), io).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      io.stderr(`nar-lens: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
