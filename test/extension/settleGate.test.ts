import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SettleGate, type FileStamp } from '../../src/extension/settleGate';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** An mtime as a fine-grained file system gives it: now, with a sub-second part. */
const fresh = () => Date.now() + 0.123;

test('a burst of events for one file settles once, quietMs after its last write', async () => {
  let stamp: FileStamp = { size: 1, mtimeMs: fresh() };
  const settled: [string, number][] = [];
  const gate = new SettleGate({ quietMs: 40, stat: async () => stamp, onSettled: (p) => settled.push([p, Date.now() - stamp.mtimeMs]) });
  for (let i = 0; i < 5; i++) {
    stamp = { size: 100 * i, mtimeMs: fresh() };
    gate.touch('/m.onnx');
    await wait(10);
  }
  await wait(150);
  assert.equal(settled.length, 1);
  assert.equal(settled[0][0], '/m.onnx');
  assert.ok(settled[0][1] >= 40, `settled ${settled[0][1]} ms after the last write (quiet period 40 ms)`);
});

test('a late watcher event for a file written long ago settles after two looks, not a full quiet period', async () => {
  const written = fresh() - 500;
  const settled: number[] = [];
  const t0 = Date.now();
  const gate = new SettleGate({ quietMs: 100, minGapMs: 20, stat: async () => ({ size: 5, mtimeMs: written }), onSettled: () => settled.push(Date.now() - t0) });
  gate.touch('/late.onnx');
  await wait(70);
  assert.equal(settled.length, 1);
  assert.ok(settled[0] >= 20 && settled[0] < 70, `settled after ${settled[0]} ms`);
});

test('one long write() leaves mtime old while the size grows: not settled until the size holds', async () => {
  const started = fresh() - 1000; // mtime is set when the write call starts
  let size = 0;
  const settled: number[] = [];
  const gate = new SettleGate({ quietMs: 50, minGapMs: 15, stat: async () => ({ size, mtimeMs: started }), onSettled: () => settled.push(size) });
  gate.touch('/huge.onnx');
  const grow = setInterval(() => (size += 1000), 5);
  await wait(150);
  assert.deepEqual(settled, [], 'a growing file is never settled');
  clearInterval(grow);
  const final = size;
  await wait(100);
  assert.deepEqual(settled, [final]);
});

test('a file still growing without new events is not settled until its writes stop', async () => {
  let stamp: FileStamp = { size: 0, mtimeMs: fresh() };
  const settled: number[] = [];
  const gate = new SettleGate({ quietMs: 30, stat: async () => stamp, onSettled: () => settled.push(stamp.size) });
  gate.touch('/big.onnx');
  const grow = setInterval(() => (stamp = { size: stamp.size + 10, mtimeMs: fresh() }), 10); // an exporter writing, no further events
  await wait(200);
  assert.deepEqual(settled, [], 'never settled while the file was being written');
  clearInterval(grow);
  await wait(150);
  assert.equal(settled.length, 1);
  gate.dispose();
});

test('whole-second mtimes (coarse file systems) fall back to an unchanged size, mtime and inode for quietMs', async () => {
  let stamp: FileStamp = { size: 1, mtimeMs: Math.floor(Date.now() / 1000) * 1000 - 5000, ino: 7 };
  const settled: number[] = [];
  const t0 = Date.now();
  const gate = new SettleGate({ quietMs: 40, stat: async () => stamp, onSettled: () => settled.push(Date.now() - t0) });
  gate.touch('/fat.onnx');
  await wait(20);
  stamp = { ...stamp, ino: 8 }; // replaced by rename: same size and (coarse) mtime, another inode
  await wait(30);
  assert.deepEqual(settled, [], 'the inode change restarted the quiet period');
  await wait(100);
  assert.equal(settled.length, 1);
  assert.ok(settled[0] >= 40 + 20, `settled after ${settled[0]} ms`);
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
  const m = fresh();
  const gate = new SettleGate({ quietMs: 30, stat: async () => ({ size: 1, mtimeMs: m }), onSettled: (p) => settled.push(p) });
  gate.touch('/a.onnx');
  gate.touch('/b.onnx');
  gate.touch('/a.onnx');
  await wait(120);
  assert.deepEqual(settled.sort(), ['/a.onnx', '/b.onnx']);
});
