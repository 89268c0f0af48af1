// Bundles the extension, the predictor server and the CLI into dist/ (and, with --tests / --bench, the tests
// and benchmarks into out/). onnxruntime-node and vscode stay external: one is a native addon, the other is
// provided by the editor.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode', 'onnxruntime-node'],
  logLevel: 'warning',
};

function filesUnder(dir, suffix) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir)) {
    // Installed tools (test/e2e/tools/node_modules) and run folders (.run) hold no project sources.
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path, suffix));
    else if (name.endsWith(suffix)) found.push(path);
  }
  return found;
}

const products = [
  { in: 'src/extension/main.ts', out: 'extension' },
  { in: 'src/server/main.ts', out: 'server' },
  { in: 'src/cli/main.ts', out: 'cli' },
].filter((entry) => existsSync(entry.in));

await esbuild.build({ ...common, entryPoints: products, outdir: 'dist', banner: { js: '' } });

// Webview scripts (media/src/*View.ts) run in the browser side of VS Code: bundled with Chart.js into dist/media/.
const webviews = filesUnder('media/src', 'View.ts');
if (webviews.length) {
  await esbuild.build({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true,
    logLevel: 'warning', entryPoints: webviews, outdir: 'dist/media', minify: args.has('--production') });
}

// --tests builds every unit test; --tests=onnx builds only test/onnx (so that parallel work does not collide).
const testsArg = [...args].find((a) => a === '--tests' || a.startsWith('--tests='));
if (testsArg) {
  const sub = testsArg.includes('=') ? testsArg.slice('--tests='.length) : '';
  rmSync(join('out/test', sub), { recursive: true, force: true });
  const tests = filesUnder(join('test', sub), '.test.ts').filter((p) => !p.startsWith(join('test', 'e2e')) || sub === 'e2e');
  await esbuild.build({ ...common, entryPoints: tests, outdir: 'out/test', outbase: 'test' });
}
if (args.has('--bench')) {
  await esbuild.build({ ...common, entryPoints: filesUnder('bench', '.ts'), outdir: 'out/bench', outbase: 'bench' });
}
