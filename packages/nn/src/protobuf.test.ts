import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtoWriter } from './protobuf.ts';

test('varints, floats, strings and nested messages are encoded as protobuf does', () => {
  // Examples from the protobuf encoding guide: 150 in field 1 is 08 96 01; "testing" in field 2.
  assert.deepEqual([...new ProtoWriter().int(1, 150).finish()], [0x08, 0x96, 0x01]);
  assert.deepEqual([...new ProtoWriter().bytes(2, 'testing').finish()], [0x12, 0x07, ...new TextEncoder().encode('testing')]);
  assert.deepEqual([...new ProtoWriter().message(3, (w) => w.int(1, 150)).finish()], [0x1a, 0x03, 0x08, 0x96, 0x01]);
  assert.deepEqual([...new ProtoWriter().float(2, 1).finish()], [0x15, 0x00, 0x00, 0x80, 0x3f]);
  assert.deepEqual([...new ProtoWriter().int(20, 2 ** 35).finish()], [0xa0, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
  assert.throws(() => new ProtoWriter().int(1, -1), /out of range/);
});
