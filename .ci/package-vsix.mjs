// npm run package: one .vsix per platform (vsce package --target), each carrying only its own onnxruntime-node
// binary (the others are pruned through a per-target ignore file). Prints each package's size.
// Usage: node .ci/package-vsix.mjs [target ...]   (default: every target onnxruntime-node ships a binary for)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, statSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ALL = ['linux-x64', 'linux-arm64', 'win32-x64', 'win32-arm64', 'darwin-arm64'];
const targets = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const base = readFileSync('.vscodeignore', 'utf8');
mkdirSync('out/vsix', { recursive: true });
execFileSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });
for (const target of targets) {
  if (!ALL.includes(target)) throw new Error(`unknown target ${target}; one of ${ALL.join(', ')}`);
  const [os, arch] = target.split('-');
  const keep = `!node_modules/onnxruntime-node/bin/napi-v6/${os}/${arch}/**`;
  const ignore = join('out/vsix', `.vscodeignore-${target}`);
  writeFileSync(ignore, `${base}\n# this platform's onnxruntime binary\n${keep}\n`);
  const out = join('out/vsix', `${pkg.name}-${target}-${pkg.version}.vsix`);
  rmSync(out, { force: true });
  execFileSync(join('node_modules', '.bin', 'vsce'), ['package', '--target', target, '--ignoreFile', ignore, '--out', out,
    '--allow-missing-repository', '--skip-license'], { stdio: ['ignore', 'inherit', 'inherit'] });
  console.log(`${target}: ${out} ${(statSync(out).size / 1024 / 1024).toFixed(1)} MB (${os}/${arch} onnxruntime binary only)`);
}
