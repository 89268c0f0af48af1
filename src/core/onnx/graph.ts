// GraphProto and NodeProto → Graph and Node. Subgraphs (If/Loop/Scan bodies) arrive here again through
// attributes; the cursor's depth limit bounds that recursion.

import type { Attribute, ConstTensor, Graph, Node } from '../graph/types';
import { lastAttributeName, readAttribute } from './attribute';
import type { ReadContext } from './context';
import { readSparseTensor, readTensor } from './tensor';
import { readValueInfo } from './valueInfo';
import { WireType } from './wire';

/** Reads a length-prefixed GraphProto. */
export function readGraph(ctx: ReadContext): Graph {
  const cur = ctx.cur;
  const outer = cur.enterLength();
  const graph: Graph = { name: '', nodes: [], inputs: [], outputs: [], valueInfo: [], initializers: new Map() };
  let sparseCount = 0;
  let initializerCount = 0;
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1:
        cur.expectWire(wire, WireType.LEN, 'node');
        cur.push('node', graph.nodes.length);
        graph.nodes.push(readNode(ctx, graph.nodes.length));
        cur.pop();
        break;
      case 2:
        cur.expectWire(wire, WireType.LEN, 'name');
        graph.name = cur.readString();
        break;
      case 5:
        cur.expectWire(wire, WireType.LEN, 'initializer');
        cur.push('initializer', initializerCount++);
        cur.count();
        addInitializer(graph.initializers, readTensor(ctx));
        cur.pop();
        break;
      case 15:
        cur.expectWire(wire, WireType.LEN, 'sparse_initializer');
        cur.push('sparse_initializer', sparseCount++);
        cur.count();
        addInitializer(graph.initializers, readSparseTensor(ctx));
        cur.pop();
        break;
      case 11:
      case 12:
      case 13: {
        const name = field === 11 ? 'input' : field === 12 ? 'output' : 'value_info';
        const list = field === 11 ? graph.inputs : field === 12 ? graph.outputs : graph.valueInfo;
        cur.expectWire(wire, WireType.LEN, name);
        cur.push(name, list.length);
        list.push(readValueInfo(ctx));
        cur.pop();
        break;
      }
      default:
        cur.skip(wire); // doc_string, quantization_annotation, metadata_props, newer fields
    }
  }
  cur.leave(outer);
  return graph;
}

/** Initializers are keyed by name; ONNX requires unique names, and a duplicate keeps the last one as ORT does. */
function addInitializer(initializers: Map<string, ConstTensor>, tensor: ConstTensor): void {
  initializers.set(tensor.name, tensor);
}

/**
 * The attributes of every node that has none: one shared map instead of an empty Map per node (most nodes of a
 * large graph have no attributes). Nothing may add to it, so its mutators throw.
 */
const NO_ATTRIBUTES: Map<string, Attribute> = new Map<string, Attribute>();
const refuseChange = (): never => {
  throw new TypeError('this node has no attributes: its attribute map is shared and read-only');
};
// Non-enumerable, so that the shared map still compares equal to any other empty Map (assert.deepStrictEqual).
for (const method of ['set', 'delete', 'clear']) Object.defineProperty(NO_ATTRIBUTES, method, { value: refuseChange });

/**
 * Input and output names are gathered here, one pair of lists per level of node nesting (a node's attributes
 * may hold subgraphs whose nodes are read while it is), and copied out at their final length: a list that grows
 * by push reserves room for 17 entries, where a node has 1 to 3. The lists keep their length (emptying an array
 * gives up its storage) and are filled from the front; what lies past a node's count is stale.
 */
const inputLists: string[][] = [];
const outputLists: string[][] = [];
let nodeLevel = 0;

/** Reads a length-prefixed NodeProto. */
export function readNode(ctx: ReadContext, index: number): Node {
  const cur = ctx.cur;
  if (++ctx.nodeCount > cur.options.maxNodes) {
    throw cur.fail(`more than ${cur.options.maxNodes} nodes (ReadOptions.maxNodes)`);
  }
  const outer = cur.enterLength();
  cur.count();
  const level = nodeLevel++;
  try {
    if (level === inputLists.length) {
      inputLists.push([]);
      outputLists.push([]);
    }
    const node = readNodeFields(ctx, index, inputLists[level], outputLists[level]);
    cur.leave(outer);
    return node;
  } finally {
    nodeLevel--;
  }
}

function readNodeFields(ctx: ReadContext, index: number, inputs: string[], outputs: string[]): Node {
  const cur = ctx.cur;
  let name = '';
  let opType = '';
  let domain = '';
  let attributes = NO_ATTRIBUTES;
  let attributeIndex = 0;
  let inputCount = 0;
  let outputCount = 0;
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1:
        cur.expectWire(wire, WireType.LEN, 'input');
        cur.count();
        inputs[inputCount++] = cur.readString();
        break;
      case 2:
        cur.expectWire(wire, WireType.LEN, 'output');
        cur.count();
        outputs[outputCount++] = cur.readString();
        break;
      case 3:
        cur.expectWire(wire, WireType.LEN, 'name');
        name = cur.readString();
        break;
      case 4:
        cur.expectWire(wire, WireType.LEN, 'op_type');
        opType = cur.readString();
        break;
      case 7:
        cur.expectWire(wire, WireType.LEN, 'domain');
        domain = normalizeDomain(cur.readString());
        break;
      case 5: {
        cur.expectWire(wire, WireType.LEN, 'attribute');
        cur.push('attribute', attributeIndex++);
        const attribute = readAttribute(ctx);
        if (attribute) {
          if (attributes === NO_ATTRIBUTES) attributes = new Map<string, Attribute>();
          attributes.set(lastAttributeName, attribute);
        }
        cur.pop();
        break;
      }
      default:
        cur.skip(wire); // doc_string, overload, metadata_props, device_configurations
    }
  }
  // The node is made once its fields are known, so that no placeholder lists are allocated and dropped.
  return {
    index,
    name,
    opType,
    domain,
    inputs: inputCount > 0 ? inputs.slice(0, inputCount) : [],
    outputs: outputCount > 0 ? outputs.slice(0, outputCount) : [],
    attributes,
  };
}

/** '' and 'ai.onnx' both name the default ONNX operator set. */
export function normalizeDomain(domain: string): string {
  return domain === 'ai.onnx' ? '' : domain;
}
