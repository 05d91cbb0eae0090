/** A reader of the protocol buffers wire format (varints, length-delimited fields, fixed widths). */
export interface WireField {
  field: number;
  wireType: number;
  /** Varints and fixed widths as a bigint; length-delimited fields as bytes. */
  value: bigint | Buffer;
}

function readVarint(buf: Buffer, start: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  let pos = start;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return [result, pos];
    shift += 7n;
  }
}

/** Every field of one message, in wire order. */
export function readFields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, afterTag] = readVarint(buf, pos);
    pos = afterTag;
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (wireType === 0) {
      const [v, next] = readVarint(buf, pos);
      out.push({ field, wireType, value: v });
      pos = next;
    } else if (wireType === 2) {
      const [len, next] = readVarint(buf, pos);
      const end = next + Number(len);
      if (end > buf.length) throw new Error('truncated field');
      out.push({ field, wireType, value: buf.subarray(next, end) });
      pos = end;
    } else if (wireType === 1) {
      out.push({ field, wireType, value: buf.readBigUInt64LE(pos) });
      pos += 8;
    } else if (wireType === 5) {
      out.push({ field, wireType, value: BigInt(buf.readUInt32LE(pos)) });
      pos += 4;
    } else {
      throw new Error(`unsupported wire type ${wireType}`);
    }
  }
  return out;
}

/** A varint as a signed 64-bit number (two's complement). */
export const toSigned = (v: bigint) => Number(BigInt.asIntN(64, v));
