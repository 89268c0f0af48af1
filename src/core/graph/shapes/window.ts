// Output size of sliding-window ops (Conv, pools) and of their transposes, from kernel, strides, dilations,
// pads and auto_pad, following the ONNX operator definitions.
import type { RuleContext } from './rule';

export interface WindowParams {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** begin pads then end pads (2·n values). */
  pads: number[];
  autoPad: string;
}

/** Reads kernel/strides/dilations/pads/auto_pad for `n` spatial axes; `kernel` falls back to `defaultKernel`. */
export function windowParams(ctx: RuleContext, n: number, defaultKernel?: number[]): WindowParams {
  const kernel = ctx.ints('kernel_shape') ?? defaultKernel;
  if (kernel === undefined) ctx.fail('kernel_shape is required');
  const strides = ctx.ints('strides') ?? new Array<number>(n).fill(1);
  const dilations = ctx.ints('dilations') ?? new Array<number>(n).fill(1);
  const pads = ctx.ints('pads') ?? new Array<number>(2 * n).fill(0);
  const autoPad = ctx.str('auto_pad', 'NOTSET');
  if (kernel.length !== n) ctx.fail(`kernel_shape has ${kernel.length} values for ${n} spatial axes`);
  if (strides.length !== n || dilations.length !== n) ctx.fail(`strides/dilations do not match ${n} spatial axes`);
  if (pads.length !== 2 * n) ctx.fail(`pads has ${pads.length} values, expected ${2 * n}`);
  if (strides.some((s) => s <= 0) || dilations.some((d) => d <= 0)) ctx.fail('strides and dilations must be positive');
  return { kernel, strides, dilations, pads, autoPad };
}

/** Spatial output sizes of a forward window op. */
export function windowOutput(ctx: RuleContext, input: number[], p: WindowParams, ceilMode = false): number[] {
  return input.map((size, i) => {
    const effK = (p.kernel[i] - 1) * p.dilations[i] + 1;
    const s = p.strides[i];
    switch (p.autoPad) {
      case 'SAME_UPPER':
      case 'SAME_LOWER':
        return Math.ceil(size / s);
      case 'VALID':
        return Math.floor((size - effK) / s) + 1;
      case 'NOTSET':
      case '': {
        const padded = size + p.pads[i] + p.pads[i + input.length];
        const span = padded - effK;
        if (!ceilMode) return Math.floor(span / s) + 1;
        let out = Math.ceil(span / s) + 1;
        // The last window must start inside the input or the begin padding (as ORT and PyTorch do).
        if ((out - 1) * s >= size + p.pads[i]) out--;
        return out;
      }
      default:
        return ctx.fail(`unknown auto_pad '${p.autoPad}'`);
    }
  });
}

/** Spatial output sizes of ConvTranspose (output_shape attribute wins, then the documented formula). */
export function transposedOutput(ctx: RuleContext, input: number[], p: WindowParams): number[] {
  const n = input.length;
  const outputShape = ctx.ints('output_shape');
  if (outputShape !== undefined) {
    if (outputShape.length < n) ctx.fail(`output_shape has ${outputShape.length} values for ${n} spatial axes`);
    return outputShape.slice(outputShape.length - n);
  }
  const outPad = ctx.ints('output_padding') ?? new Array<number>(n).fill(0);
  return input.map((size, i) => {
    const s = p.strides[i];
    if (p.autoPad === 'SAME_UPPER' || p.autoPad === 'SAME_LOWER') return size * s;
    const effK = (p.kernel[i] - 1) * p.dilations[i] + 1;
    const pads = p.autoPad === 'VALID' ? 0 : p.pads[i] + p.pads[i + n];
    return s * (size - 1) + (outPad[i] ?? 0) + effK - pads;
  });
}
