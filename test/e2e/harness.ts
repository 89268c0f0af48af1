// Starts a real VS Code (code-server 4.100.3 = VS Code 1.100.3) with NAR Lens installed into a fresh
// extensions folder, and drives its workbench in Debian's headless Chromium through playwright-core. Every
// process it starts lives in its own process group and is torn down as one.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadChromium, type Browser, type Page, type FrameLocator, type Locator } from './playwright';

export const ROOT = process.env.NAR_LENS_REPO ?? process.cwd();
export const TOOLS = join(ROOT, 'test', 'e2e', 'tools');
/** Screenshots, logs and timings of the last run: CI keeps this folder as its artefact (see README.md). */
export const ARTIFACTS = process.env.E2E_ARTIFACTS ?? join(ROOT, 'test', 'e2e', 'artifacts');
const RUN = join(ROOT, 'test', 'e2e', '.run');
const CODE_SERVER = join(TOOLS, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

export interface SessionOptions {
  workspace: string;
  /** Install this .vsix (code-server --install-extension) instead of the built folder. */
  vsix?: string;
  settings?: Record<string, unknown>;
  /** Keep VS Code's workspace trust on: the workspace then opens untrusted, in Restricted Mode (no startup prompt). */
  restricted?: boolean;
  /** A subfolder of the artefacts folder for this session (a second session in one run keeps the first's). */
  artifactsName?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The extension as VS Code would see it installed: manifest, bundles, media, models, runtime modules. */
function stageExtension(target: string): void {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const dir = join(target, `${pkg.publisher}.${pkg.name}-${pkg.version}`.toLowerCase());
  mkdirSync(dir, { recursive: true });
  for (const part of ['package.json', 'dist', 'media', 'models']) {
    if (existsSync(join(ROOT, part))) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  }
  // onnxruntime-node is ~300 MB: link the project's node_modules rather than copy it.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

export class VsCodeSession {
  page!: Page;
  private server: ChildProcess | undefined;
  private browser: Browser | undefined;
  readonly timings: Record<string, number> = {};
  private readonly t0 = Date.now();
  readonly state = join(RUN, 'state');
  readonly artifacts: string;

  constructor(private readonly opts: SessionOptions) {
    this.artifacts = opts.artifactsName ? join(ARTIFACTS, opts.artifactsName) : ARTIFACTS;
  }

  mark(name: string): number {
    this.timings[name] = Date.now() - this.t0;
    return this.timings[name];
  }

  async start(): Promise<void> {
    if (!existsSync(CODE_SERVER)) throw new Error(`code-server is not installed: run bash test/e2e/setup-tools.sh`);
    rmSync(this.state, { recursive: true, force: true });
    const userData = join(this.state, 'user-data');
    const exts = join(this.state, 'extensions');
    mkdirSync(join(userData, 'User'), { recursive: true });
    mkdirSync(exts, { recursive: true });
    rmSync(this.artifacts, { recursive: true, force: true }); // screenshots of an earlier run would mislead
    mkdirSync(this.artifacts, { recursive: true });
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'security.workspace.trust.enabled': this.opts.restricted === true,
      'security.workspace.trust.startupPrompt': 'never',
      'editor.hover.delay': 100,
      'workbench.hover.delay': 100,
      'git.openRepositoryInParentFolders': 'always',
      'chat.disableAIFeatures': true,
      ...this.opts.settings,
    }, null, 2));
    const config = join(this.state, 'config.yaml');
    writeFileSync(config, 'auth: none\ncert: false\n');
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: join(this.state, 'xdg-data'), XDG_CONFIG_HOME: join(this.state, 'xdg-config') };
    delete env.npm_config_user_agent;
    const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', exts];
    if (this.opts.vsix) {
      const r = spawnSync(process.execPath, [CODE_SERVER, ...common, '--install-extension', this.opts.vsix], { encoding: 'utf8', env });
      if (r.status !== 0) throw new Error(`installing ${this.opts.vsix} failed:\n${r.stdout}${r.stderr}`);
    } else {
      stageExtension(exts);
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const log = openSync(join(this.artifacts, 'code-server.log'), 'w');
    const trust = this.opts.restricted ? [] : ['--disable-workspace-trust'];
    this.server = spawn(process.execPath, [CODE_SERVER, ...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', ...trust, '--disable-getting-started-override',
      '--ignore-last-opened', this.opts.workspace], { detached: true, stdio: ['ignore', log, log], env });
    await this.waitHttp(`${base}/healthz`, 60_000);
    this.mark('server_listening');

    this.browser = await loadChromium(TOOLS).launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
      env: { ...process.env, XDG_CONFIG_HOME: join(this.state, 'browser-config'), XDG_CACHE_HOME: join(this.state, 'browser-cache') },
    });
    this.page = await (await this.browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    this.page.setDefaultTimeout(Number(process.env.E2E_TIMEOUT_MS ?? 60_000));
    const lines: string[] = [];
    this.page.on('console', (m) => lines.push(`[${m.type()}] ${m.text()}`));
    process.on('exit', () => writeFileSync(join(this.artifacts, 'browser-console.log'), lines.join('\n')));
    await this.page.goto(`${base}/?folder=${encodeURIComponent(this.opts.workspace)}`);
    await this.page.locator('.monaco-workbench').waitFor();
    this.mark('workbench_visible');
  }

  private async waitHttp(url: string, ms: number): Promise<void> {
    for (const end = Date.now() + ms; Date.now() < end;) {
      try {
        if ((await fetch(url)).ok) return;
      } catch {
        /* not listening yet */
      }
      if (this.server?.exitCode !== null) throw new Error(`code-server exited early; see ${this.artifacts}/code-server.log`);
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`code-server did not answer ${url} within ${ms} ms`);
  }

  async shot(name: string): Promise<void> {
    await this.page.screenshot({ path: join(this.artifacts, `${name}.png`) });
  }

  /** Runs a command from the palette by its title. */
  async command(title: string): Promise<void> {
    // The title bar's command center opens the quick input wherever focus is (F1 would go to a focused webview).
    // Under load, an editor that a previous step opened can take focus a moment later and close the quick input
    // again: then the whole open → type → find sequence starts over.
    const input = this.page.locator('.quick-input-widget input:visible').first();
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.page.keyboard.press('Escape');
        await this.page.locator('.command-center .command-center-center').first().click();
        await input.fill(`>${title}`, { timeout: 10_000 });
        await row.waitFor({ timeout: 10_000 });
        break;
      } catch (err) {
        if (attempt === 3) throw err;
      }
    }
    await this.page.keyboard.press('Enter');
  }

  /**
   * Hovers `target` until a hover containing `text` shows, and returns that hover. A hover opened before the
   * extension has published its decoration shows only the path and is not updated in place, so each attempt
   * moves the mouse away first and hovers again.
   */
  async hoverUntil(target: Locator, text: string, totalMs = 60_000): Promise<Locator> {
    const hover = this.page.locator('.monaco-hover, .workbench-hover', { hasText: text }).first();
    const deadline = Date.now() + totalMs;
    for (;;) {
      await this.page.mouse.move(700, 800); // an empty spot of the editor area
      await this.page.waitForTimeout(200);
      await target.hover();
      try {
        await hover.waitFor({ timeout: Math.min(5_000, Math.max(1, deadline - Date.now())) });
        return hover;
      } catch (err) {
        if (Date.now() >= deadline) throw err;
      }
    }
  }

  explorerRow(name: string) {
    return this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  }

  /** The content frame of the active webview (VS Code nests it in two iframes). */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  async stop(): Promise<void> {
    writeFileSync(join(this.artifacts, 'timings.json'), JSON.stringify(this.timings, null, 2));
    await this.browser?.close().catch(() => undefined);
    const server = this.server;
    if (server && server.exitCode === null && server.pid) {
      const gone = new Promise((r) => server.once('exit', r));
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}
