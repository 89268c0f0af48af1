// OperatorSetIdProto {domain = 1, version = 2}.

import { normalizeDomain } from './graph';
import { WireType, type WireCursor } from './wire';

/** Reads a length-prefixed OperatorSetIdProto as [normalised domain, version]. */
export function readOperatorSet(cur: WireCursor): [string, number] {
  const outer = cur.enterLength();
  cur.count();
  let domain = '';
  let version = 0;
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1) {
      cur.expectWire(wire, WireType.LEN, 'domain');
      domain = normalizeDomain(cur.readString());
    } else if (field === 2) {
      cur.expectWire(wire, WireType.VARINT, 'version');
      version = cur.readInt64();
    } else cur.skip(wire);
  }
  cur.leave(outer);
  return [domain, version];
}
