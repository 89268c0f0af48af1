// The workspace the e2e tests open: real models from the corpus, a Python export script that names one, a
// corrupt .onnx, and a git repository whose HEAD holds the baseline of model.onnx (for the regression test).
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './harness';

const CORPUS = join(ROOT, 'test', 'fixtures', 'onnx-corpus', 'models');
export const MODELS = {
  resnet: join(CORPUS, 'nnlqp_resnet18-v1-7-no-weight.onnx'),
  squeezenet: join(CORPUS, 'onnx_light__light_squeezenet.onnx'),
  inception: join(CORPUS, 'onnx_light__light_inception_v1.onnx'),
  resnet50: join(CORPUS, 'onnx_light__light_resnet50.onnx'),
};

export const EXPORT_SCRIPT = `import torch
import torchvision

model = torchvision.models.resnet18()
x = torch.randn(1, 3, 224, 224)
torch.onnx.export(model, x, "resnet.onnx")
`;

export function buildWorkspace(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'models'), { recursive: true });
  copyFileSync(MODELS.resnet, join(dir, 'resnet.onnx'));
  copyFileSync(MODELS.squeezenet, join(dir, 'models', 'squeezenet.onnx'));
  copyFileSync(MODELS.inception, join(dir, 'model.onnx'));
  // A model cut off mid-write: the reader must say what is wrong, the editor must stay usable.
  writeFileSync(join(dir, 'corrupt.onnx'), readFileSync(MODELS.resnet).subarray(0, 5000));
  writeFileSync(join(dir, 'export.py'), EXPORT_SCRIPT);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.invalid', GIT_COMMITTER_NAME: 'e2e',
      GIT_COMMITTER_EMAIL: 'e2e@example.invalid', GIT_CONFIG_NOSYSTEM: '1', HOME: dir } });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'baseline');
}
