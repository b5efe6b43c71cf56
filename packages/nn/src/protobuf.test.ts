import { test, expect } from 'bun:test';
import { ProtoWriter } from './protobuf.ts';

test('varints, floats, strings and nested messages are encoded as protobuf does', () => {
  // Examples from the protobuf encoding guide: 150 in field 1 is 08 96 01; "testing" in field 2.
  expect([...new ProtoWriter().int(1, 150).finish()]).toEqual([0x08, 0x96, 0x01]);
  expect([...new ProtoWriter().bytes(2, 'testing').finish()]).toEqual([0x12, 0x07, ...new TextEncoder().encode('testing')]);
  expect([...new ProtoWriter().message(3, (w) => w.int(1, 150)).finish()]).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
  expect([...new ProtoWriter().float(2, 1).finish()]).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
  expect([...new ProtoWriter().int(20, 2 ** 35).finish()]).toEqual([0xa0, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
  expect(() => new ProtoWriter().int(1, -1)).toThrow(/out of range/);
});
