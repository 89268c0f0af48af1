// The contract between the inference engine and the per-op rules: a rule sees one node through a RuleContext
// (its inputs' inferred types, its attributes, the opset in force) and returns one InferredValue per output.
// A rule that lacks something it needs throws ShapeRuleError; the engine turns that into a diagnostic and marks
// the node's outputs unknown. Rules never guess.
import type { Attribute, ConstTensor, InferredValue, Node } from '../types';

export class ShapeRuleError extends Error {}

/** Largest tensor whose values inference carries along (shape arithmetic needs a handful, never a weight). */
export const MAX_TRACKED_VALUES = 256;

export interface RuleContext {
  readonly node: Node;
  /** Opset version of the node's domain. */
  readonly opset: number;
  /**
   * True in a run without data propagation (the reference view, see referenceView.ts): only initializers and
   * Constant outputs have values, as in onnx.shape_inference without data_prop. A rule that then lacks a
   * shape-deciding value returns what ONNX would: the rank it can know with UNKNOWN_DIM dims, or it fails.
   */
  readonly partial: boolean;
  /** Number of input slots as written (trailing omitted inputs included when the file lists them). */
  readonly inputCount: number;
  /** Whether input slot `i` is present (a non-empty name). */
  has(i: number): boolean;
  /** The inferred value of input `i`; throws when the slot is absent. */
  input(i: number): InferredValue;
  /** The known shape of input `i` (the engine guarantees present inputs have shapes). */
  shape(i: number): number[];
  elemType(i: number): number;
  /** Known values of input `i`, or undefined. */
  values(i: number): number[] | undefined;
  /** Known values of input `i`, or a ShapeRuleError naming `what` was needed. */
  requireValues(i: number, what: string): number[];
  attr(name: string): Attribute | undefined;
  int(name: string, fallback: number): number;
  ints(name: string): number[] | undefined;
  float(name: string, fallback: number): number;
  str(name: string, fallback: string): string;
  tensor(name: string): ConstTensor | undefined;
  fail(message: string): never;
  /** Records a diagnostic without failing (the rule still produces its outputs). */
  warn(message: string): void;
}

/**
 * A dim inside a known rank whose size is unknown. Only runs without data propagation produce it (never the
 * default run); NaN, so that arithmetic on it (window sizes, products) stays unknown by itself.
 */
export const UNKNOWN_DIM = Number.NaN;

export function isUnknownDim(d: number): boolean {
  return d !== d;
}

/** `rank` unknown dims. */
export function unknownDims(rank: number): number[] {
  return new Array<number>(rank).fill(UNKNOWN_DIM);
}

/** Two dims that must agree and provably do not (an unknown dim agrees with anything, as in ONNX). */
export function dimsConflict(a: number, b: number): boolean {
  return a !== b && a === a && b === b;
}

/**
 * The values of shape-deciding input `i`: the known values; undefined when they are unknown in a run without data
 * propagation (the rule then answers with unknown dims); a ShapeRuleError naming `what` otherwise.
 */
export function shapeInputValues(ctx: RuleContext, i: number, what: string): number[] | undefined {
  return ctx.partial ? ctx.values(i) : ctx.requireValues(i, what);
}

/** The length of 1-D input `i` (ONNX's rank inference from the shape of a shape input). */
export function shapeInputLength(ctx: RuleContext, i: number): number {
  const s = ctx.shape(i);
  if (s.length !== 1 || isUnknownDim(s[0])) ctx.fail(`input ${i} must be a 1-D tensor of known length, got [${s.join(',')}]`);
  return s[0];
}

export type ShapeRule = (ctx: RuleContext) => InferredValue[];

/** A family file exports a table of rules keyed by op type (default domain unless `domain` is given). */
export interface RuleEntry {
  opType: string;
  domain?: string;
  rule: ShapeRule;
}

export function product(dims: readonly number[]): number {
  let p = 1;
  for (let i = 0; i < dims.length; i++) p *= dims[i];
  return p;
}

/** Normalises a possibly negative axis against `rank`; throws a rule error when out of range. */
export function normAxis(ctx: RuleContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) ctx.fail(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** A value of known shape, with values attached only when small enough to track. */
export function tensorValue(elemType: number, shape: number[], values?: number[]): InferredValue {
  if (values !== undefined && values.length === product(shape) && values.length <= MAX_TRACKED_VALUES) {
    return { elemType, shape, values };
  }
  return { elemType, shape };
}
