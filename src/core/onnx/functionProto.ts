// FunctionProto → FunctionDef (model-local functions, ONNX IR ≥ 8).

import type { FunctionDef } from '../graph/types';
import type { ReadContext } from './context';
import { normalizeDomain, readNode } from './graph';
import { readOperatorSet } from './operatorSet';
import { WireType } from './wire';

/** Reads a length-prefixed FunctionProto. */
export function readFunction(ctx: ReadContext): FunctionDef {
  const cur = ctx.cur;
  const outer = cur.enterLength();
  const fn: FunctionDef = { name: '', domain: '', inputs: [], outputs: [], attributeNames: [], nodes: [], opsets: new Map() };
  let attributeProtoIndex = 0;
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1: cur.expectWire(wire, WireType.LEN, 'name'); fn.name = cur.readString(); break;
      case 10: cur.expectWire(wire, WireType.LEN, 'domain'); fn.domain = normalizeDomain(cur.readString()); break;
      case 4: cur.expectWire(wire, WireType.LEN, 'input'); cur.count(); fn.inputs.push(cur.readString()); break;
      case 5: cur.expectWire(wire, WireType.LEN, 'output'); cur.count(); fn.outputs.push(cur.readString()); break;
      case 6: cur.expectWire(wire, WireType.LEN, 'attribute'); cur.count(); fn.attributeNames.push(cur.readString()); break;
      case 11:
        // attribute_proto: attributes with default values; only the name matters to callers.
        cur.expectWire(wire, WireType.LEN, 'attribute_proto');
        cur.push('attribute_proto', attributeProtoIndex++);
        cur.count();
        fn.attributeNames.push(readAttributeName(ctx));
        cur.pop();
        break;
      case 7:
        cur.expectWire(wire, WireType.LEN, 'node');
        cur.push('node', fn.nodes.length);
        fn.nodes.push(readNode(ctx, fn.nodes.length));
        cur.pop();
        break;
      case 9: {
        cur.expectWire(wire, WireType.LEN, 'opset_import');
        const [domain, version] = readOperatorSet(cur);
        fn.opsets.set(domain, version);
        break;
      }
      default:
        cur.skip(wire); // doc_string, value_info, overload, metadata_props
    }
  }
  cur.leave(outer);
  return fn;
}

/** The name (field 1) of a length-prefixed AttributeProto, skipping its value. */
function readAttributeName(ctx: ReadContext): string {
  const cur = ctx.cur;
  const outer = cur.enterLength();
  let name = '';
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const wire = tag & 7;
    if (tag >>> 3 === 1) {
      cur.expectWire(wire, WireType.LEN, 'name');
      name = cur.readString();
    } else cur.skip(wire);
  }
  cur.leave(outer);
  return name;
}
