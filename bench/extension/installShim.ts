// Makes `require('vscode')` in the extension's modules return the Node shim. Imported first by the benchmark,
// before any extension module is evaluated.
import Module from 'node:module';
import * as shim from './vscodeShim';

const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = mod._load;
mod._load = function (request: string, ...rest: unknown[]) {
  if (request === 'vscode') return shim;
  return load.call(this, request, ...rest);
};
