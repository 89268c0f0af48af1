// Recurrent layers: RNN, GRU, LSTM. X is [seq, batch, input] (layout 0) or [batch, seq, input] (layout 1);
// Y is [seq, dirs, batch, hidden] (or [batch, seq, dirs, hidden]); Y_h / Y_c are [dirs, batch, hidden]
// (or [batch, dirs, hidden]).
import type { InferredValue } from '../../types';
import type { RuleEntry, ShapeRule } from '../rule';

const recurrent = (gates: number, stateOutputs: number): ShapeRule => (ctx) => {
  const x = ctx.shape(0);
  const w = ctx.shape(1);
  if (x.length !== 3 || w.length !== 3) ctx.fail('X and W must be 3-D');
  const layout = ctx.int('layout', 0);
  const dirs = ctx.str('direction', 'forward') === 'bidirectional' ? 2 : 1;
  const hidden = ctx.int('hidden_size', w[1] / gates);
  if (!Number.isInteger(hidden) || hidden <= 0) ctx.fail('hidden_size is unknown');
  const [seq, batch] = layout === 0 ? [x[0], x[1]] : [x[1], x[0]];
  const t = ctx.elemType(0);
  const y: InferredValue = { elemType: t, shape: layout === 0 ? [seq, dirs, batch, hidden] : [batch, seq, dirs, hidden] };
  const state = (): InferredValue => ({ elemType: t, shape: layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden] });
  return [y, ...Array.from({ length: stateOutputs }, state)];
};

export const recurrentRules: RuleEntry[] = [
  { opType: 'RNN', rule: recurrent(1, 1) },
  { opType: 'GRU', rule: recurrent(3, 1) },
  { opType: 'LSTM', rule: recurrent(4, 2) },
];
