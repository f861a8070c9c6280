import test from 'ava';
import { defaultMaxInstances } from '../src/functions/runtime.js';
import { parseLaunchArgs } from '../src/launch.js';

test('instances per function default to twice the cores, between 2 and 10', (t) => {
  t.deepEqual(
    [1, 2, 3, 5, 16].map((cores) => defaultMaxInstances(cores)),
    [2, 4, 6, 10, 10],
  );
});

test('--instances sets the cap; anything but a positive integer is refused', (t) => {
  t.is(parseLaunchArgs([]).instances, undefined);
  t.is(parseLaunchArgs(['--instances', '3']).instances, 3);
  for (const bad of ['0', '-1', '2.5', 'many']) t.throws(() => parseLaunchArgs(['--instances', bad]), { message: /--instances/ });
});

test('launch arguments: port, memory and data directory', (t) => {
  const args = parseLaunchArgs(['--port', '9000', '--memory']);
  t.is(args.port, 9000);
  t.true(args.memory);
  t.throws(() => parseLaunchArgs(['--port', '70000']), { message: /--port/ });
});
