// Tiny DOM helpers for the webviews. Text goes in through textContent only: model files are untrusted input
// (node names, op types, producer strings) and must never become HTML.
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, opts: { text?: string; cls?: string; id?: string } = {},
  ...children: (Node | null | undefined)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (opts.text !== undefined) e.textContent = opts.text;
  if (opts.cls) e.className = opts.cls;
  if (opts.id) e.id = opts.id;
  for (const c of children) if (c) e.appendChild(c);
  return e;
}

export function kv(pairs: [string, string][], id?: string): HTMLElement {
  const box = el('div', { cls: 'kv', id });
  for (const [k, v] of pairs) {
    box.appendChild(el('span', { text: k, cls: 'muted' }));
    box.appendChild(el('span', { text: v }));
  }
  return box;
}

/** A cssvar from the VS Code theme, for the chart (canvas cannot use CSS variables directly). */
export function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

interface VsCodeApi<S> {
  postMessage(msg: unknown): void;
  getState(): S | undefined;
  setState(s: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;
export function vscodeApi<S>(): VsCodeApi<S> {
  return acquireVsCodeApi<S>();
}
