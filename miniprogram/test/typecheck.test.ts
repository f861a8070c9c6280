import test from 'ava';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

// The app type-checks on its own terms (miniprogram/tsconfig.json: WeChat's API types from miniprogram-api-typings, no
// Node), and its tests on theirs; the repository's `npm run typecheck` covers neither folder.

const run = promisify(execFile);
const tsc = path.resolve('node_modules', 'typescript', 'bin', 'tsc');

for (const project of ['miniprogram/tsconfig.json', 'miniprogram/test/tsconfig.json']) {
  test(`tsc -p ${project}`, async (t) => {
    const result = await run(process.execPath, [tsc, '-p', project, '--noEmit']).then(
      () => '',
      (err: { stdout?: string; message: string }) => err.stdout || err.message,
    );
    t.is(result, '');
  });
}
