// playwright-core is installed in test/e2e/tools (beside code-server), not in the project, so it is loaded at
// run time from there. These are the few parts of its API the tests use, typed here so that the project
// type-checks without the tools installed.
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface Locator {
  first(): Locator;
  last(): Locator;
  nth(i: number): Locator;
  locator(selector: string, opts?: { hasText?: string | RegExp }): Locator;
  waitFor(opts?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  click(opts?: { timeout?: number; button?: 'left' | 'right'; modifiers?: string[] }): Promise<void>;
  hover(opts?: { timeout?: number }): Promise<void>;
  textContent(): Promise<string | null>;
  innerText(): Promise<string>;
  allInnerTexts(): Promise<string[]>;
  count(): Promise<number>;
  getAttribute(name: string): Promise<string | null>;
  fill(text: string, opts?: { timeout?: number }): Promise<void>;
  press(key: string): Promise<void>;
}

export interface FrameLocator {
  locator(selector: string, opts?: { hasText?: string | RegExp }): Locator;
  frameLocator(selector: string): FrameLocator;
}

export interface Page {
  goto(url: string): Promise<unknown>;
  reload(): Promise<unknown>;
  locator(selector: string, opts?: { hasText?: string | RegExp }): Locator;
  frameLocator(selector: string): FrameLocator;
  screenshot(opts: { path: string }): Promise<unknown>;
  setDefaultTimeout(ms: number): void;
  waitForTimeout(ms: number): Promise<void>;
  keyboard: { press(key: string): Promise<void>; type(text: string): Promise<void> };
  mouse: { move(x: number, y: number): Promise<void> };
  on(event: 'console', fn: (m: { type(): string; text(): string }) => void): void;
}

export interface Browser {
  newContext(opts: { viewport: { width: number; height: number } }): Promise<{ newPage(): Promise<Page> }>;
  close(): Promise<void>;
}

interface Chromium {
  launch(opts: { executablePath: string; headless: boolean; args: string[]; env?: Record<string, string | undefined> }): Promise<Browser>;
}

export function loadChromium(toolsDir: string): Chromium {
  const req = createRequire(join(toolsDir, 'package.json'));
  return (req('playwright-core') as { chromium: Chromium }).chromium;
}
