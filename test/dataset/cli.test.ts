// `nar-lens dataset …` (the command object; importing main.ts would run the CLI on the test's own argv): the stats contract other tools read, and usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/cli/command';
import { datasetCommand } from '../../src/cli/commands/dataset';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  try {
    const code = await datasetCommand.run(args.slice(1), { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return { code, out, err };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, out, err: e.message }; // main.ts prints it and exits 2
    throw e;
  }
}

test('dataset stats --json lists every data set with platforms and labelled graphs per family', async () => {
  const r = await run(['dataset', 'stats', '--json']);
  assert.equal(r.code, 0, r.err + r.out);
  const { datasets } = JSON.parse(r.out) as { datasets: { name: string; platform: string | null; graphs: number;
    platforms: Record<string, number>; families: Record<string, number> }[] };
  const zoo = datasets.find((d) => d.name === 'cpu-zoo');
  assert.ok(zoo, 'cpu-zoo missing');
  assert.equal(zoo.platform, 'ort-cpu-x86-1t');
  assert.ok(zoo.graphs > 0);
  assert.deepEqual(Object.keys(zoo.families).sort(), ['alexnet', 'convnext', 'efficientnet', 'googlenet', 'mnasnet',
    'mobilenetv2', 'mobilenetv3', 'nb201', 'resnet', 'squeezenet', 'vgg', 'vit']);
  const labelledByFamily = Object.values(zoo.families).reduce((a, b) => a + b, 0);
  assert.equal(labelledByFamily, zoo.platforms['ort-cpu-x86-1t']);
});

test('dataset sub-commands reject bad usage with exit code 2 and say why', async () => {
  assert.match((await run(['dataset'])).err, /a sub-command is required/);
  assert.match((await run(['dataset', 'label', '--dataset', 'cpu-zoo'])).err, /--pass N is required/);
  assert.match((await run(['dataset', 'label', '--dataset', 'cpu-zoo', '--pass', '0'])).err, /--pass needs a positive integer/);
  assert.match((await run(['dataset', 'label', '--dataset', 'cpu-zoo', '--pass', '1', '--subset', 'x'])).err, /--subset is 'all' or 'noise'/);
  assert.equal((await run(['dataset', 'stats', '--bogus'])).code, 2);
  const missing = await run(['dataset', 'label', '--dataset', 'no-such-set', '--pass', '1']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no-such-set: no dataset\.json/);
});
