/**
 * Allocation: every buffer a trainer creates goes through one pool, so
 * `dispose` frees them all.
 * @module
 */

// GPUBufferUsage and GPUMapMode, spelled out so nothing global is needed before the device.
export const STORAGE = 0x80;
export const COPY_SRC = 0x04;
export const COPY_DST = 0x08;
export const UNIFORM = 0x40;
export const MAP_READ = 0x01;

export interface BufferPool {
  /** A buffer of at least `bytes`, rounded up to 16 (kernels may view it as vec4s, which must cover every float). */
  buffer(bytes: number, usage: number): GPUBuffer;
  /** A storage buffer that can be copied to and from. */
  storage(bytes: number): GPUBuffer;
  /** A uniform buffer holding `words` (u32, or f32 where given as { f }). */
  uniform(words: (number | { f: number })[]): GPUBuffer;
  /** Frees every buffer made here. */
  destroyAll(): void;
}

export function bufferPool(device: GPUDevice): BufferPool {
  const made: GPUBuffer[] = [];
  const buffer = (bytes: number, usage: number) => {
    const b = device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage });
    made.push(b);
    return b;
  };
  return {
    buffer,
    storage: (bytes) => buffer(bytes, STORAGE | COPY_SRC | COPY_DST),
    uniform(words) {
      const raw = new ArrayBuffer(Math.max(16, Math.ceil((words.length * 4) / 16) * 16));
      const u = new Uint32Array(raw);
      const f = new Float32Array(raw);
      words.forEach((w, i) => (typeof w === 'number' ? (u[i] = w) : (f[i] = w.f)));
      const b = buffer(raw.byteLength, UNIFORM | COPY_DST);
      device.queue.writeBuffer(b, 0, raw);
      return b;
    },
    destroyAll() {
      for (const b of made) b.destroy();
      made.length = 0;
    },
  };
}
