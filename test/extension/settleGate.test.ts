import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SettleGate, type FileStamp } from '../../src/extension/settleGate';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a burst of events for one file settles once, after the file stops changing', async () => {
  let stamp: FileStamp | null = { size: 1, mtimeMs: 1 };
  const settled: string[] = [];
  const gate = new SettleGate({ quietMs: 40, stat: async () => stamp, onSettled: (p) => settled.push(p) });
  for (let i = 0; i < 5; i++) {
    stamp = { size: 100 * i, mtimeMs: i };
    gate.touch('/m.onnx');
    await wait(10);
  }
  await wait(150);
  assert.deepEqual(settled, ['/m.onnx']);
});

test('a file still growing without new events is not settled until its size holds', async () => {
  let size = 0;
  const settled: number[] = [];
  const gate = new SettleGate({ quietMs: 30, stat: async () => ({ size, mtimeMs: size }), onSettled: () => settled.push(size) });
  gate.touch('/big.onnx');
  const grow = setInterval(() => (size += 10), 10); // an exporter writing with no further watcher events
  await wait(200);
  assert.deepEqual(settled, [], 'never settled while the size changed');
  clearInterval(grow);
  await wait(150);
  assert.equal(settled.length, 1);
  gate.dispose();
});

test('a deleted file is reported gone, not settled', async () => {
  const gone: string[] = [];
  const settled: string[] = [];
  const gate = new SettleGate({ quietMs: 20, stat: async () => { throw new Error('ENOENT'); }, onSettled: (p) => settled.push(p), onGone: (p) => gone.push(p) });
  gate.touch('/x.onnx');
  await wait(80);
  assert.deepEqual([gone, settled], [['/x.onnx'], []]);
});

test('files are debounced independently', async () => {
  const settled: string[] = [];
  const gate = new SettleGate({ quietMs: 30, stat: async () => ({ size: 1, mtimeMs: 1 }), onSettled: (p) => settled.push(p) });
  gate.touch('/a.onnx');
  gate.touch('/b.onnx');
  gate.touch('/a.onnx');
  await wait(120);
  assert.deepEqual(settled.sort(), ['/a.onnx', '/b.onnx']);
});
