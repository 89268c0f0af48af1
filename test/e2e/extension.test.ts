// End-to-end: NAR Lens in a real VS Code (code-server) driven through Chromium. Each step asserts on what the
// user sees and saves a screenshot to test/e2e/artifacts/. Latency assertions branch on whether a predictor is
// shipped (models/manifest.json): without one the UI must say "no predictor installed" and show computed
// costs; with one it must show "<ms> ms ± <ms> (<platform>)".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { VsCodeSession, ROOT, ARTIFACTS } from './harness';
import { HAS_PREDICTOR, LATENCY, stepsOf } from './steps';
import { buildWorkspace, MODELS } from './workspace';

const WORKSPACE = join(ROOT, 'test', 'e2e', '.run', 'workspace');

let vs: VsCodeSession;
const step = stepsOf(() => vs);

/** The NAR Lens log file the extension host writes (the OutputChannel), for figures the extension logs. */
function extensionLog(): string {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('NAR Lens.log')) found.push(p);
    }
  };
  walk(join(vs.state, 'user-data', 'logs'));
  return found.map((f) => readFileSync(f, 'utf8')).join('\n');
}

before(async () => {
  buildWorkspace(WORKSPACE);
  vs = new VsCodeSession({ workspace: WORKSPACE, vsix: process.env.E2E_VSIX || undefined });
  await vs.start();
});

after(async () => {
  await vs?.stop();
});

step('activates and reports the workspace models in the status bar', async () => {
  // 4 model files: resnet, squeezenet, model (readable) and corrupt.onnx (unreadable).
  await vs.page.locator('.statusbar-item', { hasText: 'NAR Lens: 3 models · 1 unreadable' }).waitFor();
  vs.mark('extension_ready');
  const text = await vs.page.locator('.statusbar-item', { hasText: 'NAR Lens:' }).first().innerText();
  assert.match(text, HAS_PREDICTOR ? /predictor:/ : /no predictor installed/);
  const m = /activate\(\) took ([\d.]+) ms/.exec(extensionLog());
  assert.ok(m, 'the extension logs its activation time');
  vs.timings.activate_ms = Number(m[1]);
  assert.ok(Number(m[1]) < 50, `activate() took ${m[1]} ms (limit 50 ms)`);
  await vs.shot('01-activated');
});

step('Explorer: a badge on each model and a tooltip with latency (or its absence), FLOPs and params', async () => {
  const row = vs.explorerRow('resnet.onnx');
  await row.locator('.label-description, .monaco-decoration-itemColor, .monaco-icon-label').first().waitFor();
  const hover = await vs.hoverUntil(row, 'NAR Lens');
  const tip = await hover.innerText();
  assert.match(tip, LATENCY);
  assert.match(tip, /\d+(\.\d+)? GFLOPs/);
  assert.match(tip, /params/);
  await vs.page.waitForTimeout(300);
  await vs.shot('02-explorer-tooltip');
  await vs.page.mouse.move(700, 800);
  await vs.page.waitForTimeout(300);
  // The corrupt file is marked too, and its tooltip says why.
  const bad = await vs.hoverUntil(vs.explorerRow('corrupt.onnx'), 'NAR Lens: corrupt.onnx');
  assert.match(await bad.innerText(), /NAR Lens: corrupt\.onnx: .* at byte/);
  await vs.shot('02b-explorer-corrupt-tooltip');
  await vs.page.mouse.move(700, 800);
});

step('model view: prediction state, coverage, totals, chart and a sortable layer table', async () => {
  await vs.explorerRow('resnet.onnx').click();
  const view = vs.webview();
  await view.locator('#prediction').waitFor();
  const prediction = await view.locator('#prediction').innerText();
  assert.match(prediction, HAS_PREDICTOR ? /ms ±/ : /No predictor installed/);
  // Beside each latency, how the platform's predictor did on held-out networks (from models/manifest.json).
  if (HAS_PREDICTOR) assert.match(prediction, /Predictor error on held-out networks[\s\S]*\d\.\d %/);
  const totals = await view.locator('#totals').innerText();
  assert.match(totals, /FLOPs\s+\d+(\.\d+)? GFLOPs/);
  assert.match(totals, /Parameters\s+\d/);
  const coverage = await view.locator('#coverage').innerText();
  assert.match(coverage, /Encoded nodes\s+\d+\/\d+/);
  // ResNet-18 from the ONNX model zoo keeps its BatchNormalizations; the tokens fold them as onnxruntime runs it.
  assert.match(coverage, /Fused\s+20 BatchNormalization folded into the Conv before them/);
  await view.locator('#op-chart').waitFor();
  const rows = view.locator('#layers tbody tr');
  assert.ok((await rows.count()) > 20, 'resnet18 has more than 20 layers');
  // Sorted by FLOPs, largest first, by default; clicking "Op" sorts by op type.
  const first = await rows.first().innerText();
  assert.match(first, /Conv/);
  await view.locator('#layers th', { hasText: 'Op' }).first().click();
  const afterSort = await view.locator('#layers tbody tr').first().innerText();
  assert.match(afterSort, /\bAdd\b/);
  await vs.shot('03-model-view');
});

step('CodeLens and hover on the model path in a Python export script', async () => {
  await vs.explorerRow('export.py').click();
  await vs.page.locator('.monaco-editor .view-lines', { hasText: 'torch.onnx.export' }).waitFor();
  const lens = vs.page.locator('.monaco-editor .codelens-decoration', { hasText: '⏱' }).first();
  await lens.waitFor();
  const text = await lens.innerText();
  assert.match(text, LATENCY);
  assert.match(text, /GFLOPs/);
  vs.mark('codelens_visible');
  await vs.shot('04-codelens');
  await vs.page.locator('.monaco-editor .view-line span', { hasText: 'resnet.onnx' }).last().hover();
  const hover = vs.page.locator('.monaco-hover', { hasText: 'NAR Lens' }).first();
  await hover.waitFor();
  assert.match(await hover.innerText(), /coverage\s+\d+\/\d+\s+nodes/);
  await vs.shot('05-hover');
  await vs.page.keyboard.press('Escape');
  // Clicking the lens opens the model view.
  await lens.locator('a').first().click();
  await vs.page.locator('.tab.active', { hasText: 'resnet.onnx' }).waitFor();
});

/** Ticks `name` in the open multi-select quick pick until the widget counts `count` selected. */
async function checkInQuickPick(name: string, count: number): Promise<void> {
  const row = vs.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  const selected = vs.page.locator('.quick-input-widget', { hasText: `${count} Selected` });
  // A click can land while the list re-renders (a hover tooltip appears); click again until it counts.
  for (let attempt = 1; ; attempt++) {
    await row.locator('input[type=checkbox], .monaco-checkbox, .quick-input-list-checkbox').first().click({ timeout: 10_000 });
    try {
      await selected.waitFor({ timeout: 3000 });
      return;
    } catch {
      if (attempt === 3) throw new Error(`could not check ${name} in the quick pick`);
    }
  }
}

step('Compare two models from the command palette', async () => {
  // Under load a late-opening editor can close the quick pick between steps: then the whole pick starts over.
  const names = ['resnet.onnx', 'model.onnx'];
  for (let round = 1; ; round++) {
    try {
      await vs.command('NAR Lens: Compare Architectures');
      for (const [i, name] of names.entries()) await checkInQuickPick(name, i + 1);
      break;
    } catch (err) {
      if (round === 3) throw err;
      await vs.page.keyboard.press('Escape');
    }
  }
  await vs.page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first().click();
  const view = vs.webview();
  const metrics = view.locator('#metrics');
  await metrics.waitFor();
  const t = await metrics.innerText();
  assert.match(t, /resnet\.onnx/);
  assert.match(t, /model\.onnx/);
  assert.match(t, /FLOPs/);
  assert.match(t, HAS_PREDICTOR ? /ms ±/ : /no predictor installed/);
  await view.locator('#op-chart').waitFor();
  await vs.shot('06-compare');
});

step('a regression warning after replacing a model with a slower one', async () => {
  // model.onnx at HEAD is Inception v1 (2.9 GFLOPs); overwrite it with ResNet-50 (8.2 GFLOPs).
  copyFileSync(MODELS.resnet50, join(WORKSPACE, 'model.onnx'));
  const warning = vs.page.locator('.statusbar-item', { hasText: 'model.onnx +' }).first();
  await warning.waitFor();
  assert.match(await warning.innerText(), HAS_PREDICTOR ? /slower vs HEAD/ : /FLOPs vs HEAD/);
  vs.mark('regression_visible');
  await vs.shot('07-regression-warning');
  await warning.click();
  await vs.page.locator('.tab.active', { hasText: 'vs HEAD' }).waitFor();
  const t = await vs.webview().locator('#metrics').innerText();
  assert.match(t, /model\.onnx \(HEAD\)/);
  assert.match(t, /model\.onnx \(now\)/);
  await vs.shot('08-regression-compare');
});

step('a corrupt .onnx gets a clear message and the editor stays responsive', async () => {
  await vs.explorerRow('corrupt.onnx').click();
  const err = vs.webview().locator('#error');
  await err.waitFor();
  const msg = await err.innerText();
  assert.match(msg, /could not be analysed/);
  assert.match(msg, /corrupt\.onnx: .* at byte [\d,]+/);
  await vs.shot('09-corrupt');
  // Still responsive: another file opens and the palette works.
  await vs.explorerRow('export.py').click();
  await vs.page.locator('.monaco-editor .view-lines', { hasText: 'torch.onnx.export' }).waitFor();
  await vs.command('NAR Lens: Show Log');
  await vs.page.locator('.panel .monaco-editor', { hasText: 'could not analyse' }).first().waitFor();
  await vs.shot('10-still-responsive');
});

step('Explorer multi-select → Compare from the context menu', async () => {
  const folder = vs.explorerRow('models');
  if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click(); // squeezenet.onnx is in models/
  await vs.explorerRow('resnet.onnx').click();
  await vs.explorerRow('squeezenet.onnx').click({ modifiers: ['Control'] });
  assert.equal(await vs.page.locator('.explorer-folders-view .monaco-list-row.selected').count(), 2, 'two models selected');
  await vs.explorerRow('squeezenet.onnx').click({ button: 'right' });
  const item = vs.page.locator('.context-view .action-item', { hasText: 'Compare Architectures' }).first();
  await item.hover();
  await vs.page.keyboard.press('Enter');
  const metrics = vs.webview().locator('#metrics');
  await metrics.waitFor();
  const t = await metrics.innerText();
  assert.match(t, /resnet\.onnx/);
  assert.match(t, /squeezenet\.onnx/);
  assert.match(t, /GFLOPs|MFLOPs/);
  await vs.shot('11-explorer-multiselect-compare');
});

step('the Compare panel is restored after a window reload', async () => {
  await vs.page.locator('.tab.active', { hasText: 'Compare' }).waitFor();
  // "Reload Window" shuts the workbench down in order (editor layout and webview state are saved), as a user's reload does.
  await vs.command('Developer: Reload Window');
  await vs.page.locator('.statusbar-item', { hasText: 'NAR Lens: 3 models' }).waitFor({ state: 'detached' }).catch(() => undefined);
  await vs.page.locator('.monaco-workbench').waitFor();
  await vs.page.locator('.tab.active', { hasText: 'Compare' }).waitFor();
  const t = await vs.webview().locator('#metrics').innerText();
  assert.match(t, /resnet\.onnx/);
  assert.match(t, /squeezenet\.onnx/);
  await vs.shot('12-compare-restored-after-reload');
});

step('Measure on this machine (trusted workspace): measured total and per-layer times in the model view', async () => {
  await vs.explorerRow('resnet.onnx').click();
  await vs.page.locator('.tab.active', { hasText: 'resnet.onnx' }).waitFor();
  await vs.webview().locator('#measured').waitFor();
  await vs.command('NAR Lens: Measure on this machine');
  const total = vs.webview().locator('#measured-total');
  await total.waitFor({ timeout: 180_000 });
  assert.match(await total.innerText(), /\d+(\.\d+)? ms per run .*1 thread, graph optimisation disabled.*random ones were filled in/);
  // Sort by the Measured column: the slowest layer first, and it is a convolution.
  await vs.webview().locator('#layers th', { hasText: 'Measured' }).click();
  const first = await vs.webview().locator('#layers tbody tr').first().innerText();
  assert.match(first, /Conv[\s\S]*\d+\.\d{3} ms/);
  await vs.shot('13-measured');
});

test('artefacts are where the README says', () => {
  assert.ok(existsSync(join(ARTIFACTS, '01-activated.png')));
});
