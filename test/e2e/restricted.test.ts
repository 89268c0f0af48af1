// End-to-end in Restricted Mode: VS Code's workspace trust on and the workspace not trusted. NAR Lens declares
// limited support (package.json `capabilities.untrustedWorkspaces`): reading models and predicting latency must
// work, measuring (which runs the user's model) must be refused with the reason and a way to trust, and trusting
// the workspace must turn measuring on in the model view that is already open. Screenshots go to
// test/e2e/artifacts/restricted/.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { VsCodeSession, ROOT } from './harness';
import { HAS_PREDICTOR, stepsOf } from './steps';
import { buildWorkspace } from './workspace';

const WORKSPACE = join(ROOT, 'test', 'e2e', '.run', 'workspace-restricted');

let vs: VsCodeSession;
const step = stepsOf(() => vs);

before(async () => {
  buildWorkspace(WORKSPACE);
  vs = new VsCodeSession({ workspace: WORKSPACE, vsix: process.env.E2E_VSIX || undefined, restricted: true, artifactsName: 'restricted' });
  await vs.start();
});

after(async () => {
  await vs?.stop();
});

step('Restricted Mode: models are read and latency predicted without trust', async () => {
  await vs.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor();
  await vs.page.locator('.statusbar-item', { hasText: 'NAR Lens: 3 models · 1 unreadable' }).waitFor();
  await vs.explorerRow('resnet.onnx').click();
  const view = vs.webview();
  await view.locator('#prediction').waitFor();
  assert.match(await view.locator('#prediction').innerText(), HAS_PREDICTOR ? /ms ±/ : /No predictor installed/);
  assert.match(await view.locator('#totals').innerText(), /FLOPs\s+\d+(\.\d+)? GFLOPs/);
  assert.match(await view.locator('#measured').innerText(), /needs a trusted workspace \(Restricted Mode is on\)/);
  await vs.shot('01-restricted-model-view');
});

step('Restricted Mode: Measure is refused with the reason and a way to trust', async () => {
  await vs.webview().locator('#measure').click();
  const toast = vs.page.locator('.notification-toast', { hasText: 'disabled in Restricted Mode' }).first();
  await toast.waitFor();
  assert.match(await toast.innerText(), /trust this workspace to measure/);
  assert.equal(await vs.webview().locator('#measured-total').count(), 0, 'nothing was measured');
  await vs.shot('02-restricted-measure-refused');
  await toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).click();
  await vs.page.locator('.tab.active', { hasText: 'Workspace Trust' }).waitFor();
});

step('trusting the workspace turns measuring on in the model view already open', async () => {
  await vs.page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first().click();
  await vs.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'detached' });
  await vs.page.locator('.tab', { hasText: 'resnet.onnx' }).first().click();
  await vs.page.locator('.tab.active', { hasText: 'resnet.onnx' }).waitFor();
  const measured = vs.webview().locator('#measured', { hasText: 'Not measured yet' });
  await measured.waitFor();
  await vs.shot('03-trusted-model-view');
});
