/**
 * A small protocol-buffers writer: just what encoding ONNX needs (varints,
 * 32-bit floats, length-delimited strings, bytes and nested messages).
 * Each message is built by its own writer and nested as bytes.
 * @module
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  private length = 0;

  private flushScratch(): void {
    if (this.scratch.length === 0) return;
    this.chunks.push(Uint8Array.from(this.scratch));
    this.length += this.scratch.length;
    this.scratch = [];
  }

  /** A non-negative integer below 2^53 as a base-128 varint. */
  private rawVarint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`protobuf varint out of range: ${n}`);
    while (n >= 0x80) {
      this.scratch.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.scratch.push(n);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** An int32/int64/enum field (non-negative values). */
  int(field: number, n: number): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(n);
    return this;
  }

  /** A float field (fixed 32 bits, little-endian). */
  float(field: number, x: number): this {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, x, true);
    this.scratch.push(...b);
    return this;
  }

  /** A length-delimited field: bytes, a UTF-8 string, or a nested message's bytes. */
  bytes(field: number, data: Uint8Array | string): this {
    const b = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    this.tag(field, WIRE_LENGTH);
    this.rawVarint(b.length);
    this.flushScratch();
    this.chunks.push(b);
    this.length += b.length;
    return this;
  }

  /** A nested message built by `build`. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const w = new ProtoWriter();
    build(w);
    return this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    this.flushScratch();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
