// ModelProto → Model: the top level of the file, which has no length prefix of its own.

import type { FunctionDef, Graph } from '../graph/types';
import type { ReadContext } from './context';
import { readFunction } from './functionProto';
import { readGraph } from './graph';
import { readOperatorSet } from './operatorSet';
import { readStringEntry } from './tensor';
import { WireType } from './wire';

export interface DecodedModelProto {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  opsets: Map<string, number>;
  /** Absent when the file has no graph field: then it is not an ONNX model. */
  graph?: Graph;
  functions: FunctionDef[];
  metadata: Map<string, string>;
}

/**
 * Decodes the ModelProto that spans the whole source. `progress.sawKnownField` tells the caller whether any
 * ModelProto field was decoded before an error (a corrupt ONNX file rather than something else entirely).
 */
export function readModelProto(ctx: ReadContext, progress: { sawKnownField: boolean }): DecodedModelProto {
  const cur = ctx.cur;
  let irVersion = 0;
  let producerName = '';
  let producerVersion = '';
  const opsets = new Map<string, number>();
  const metadata = new Map<string, string>();
  const functions: FunctionDef[] = [];
  let graph: Graph | undefined;
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1:
        cur.expectWire(wire, WireType.VARINT, 'ir_version');
        irVersion = cur.readInt64();
        break;
      case 2:
        cur.expectWire(wire, WireType.LEN, 'producer_name');
        producerName = cur.readString();
        break;
      case 3:
        cur.expectWire(wire, WireType.LEN, 'producer_version');
        producerVersion = cur.readString();
        break;
      case 8: {
        cur.expectWire(wire, WireType.LEN, 'opset_import');
        cur.push('opset_import', opsets.size);
        const [domain, version] = readOperatorSet(cur);
        opsets.set(domain, version);
        cur.pop();
        break;
      }
      case 7:
        cur.expectWire(wire, WireType.LEN, 'graph');
        if (graph) throw cur.fail('a second graph in one model');
        cur.push('graph');
        graph = readGraph(ctx);
        cur.pop();
        break;
      case 14: {
        cur.expectWire(wire, WireType.LEN, 'metadata_props');
        cur.push('metadata_props', metadata.size);
        cur.count();
        const [key, value] = readStringEntry(cur);
        metadata.set(key, value);
        cur.pop();
        break;
      }
      case 25:
        cur.expectWire(wire, WireType.LEN, 'functions');
        cur.push('functions', functions.length);
        functions.push(readFunction(ctx));
        cur.pop();
        break;
      default:
        // domain, model_version, doc_string, training_info, configuration and newer fields.
        cur.skip(wire);
        continue;
    }
    progress.sawKnownField = true;
  }
  // Files before IR version 3 have no opset_import (version 1 of the default domain is implied); the map stays
  // as the file has it, and consumers apply that default.
  return { irVersion, producerName, producerVersion, opsets, graph, functions, metadata };
}
