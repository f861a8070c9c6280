import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The README's "First purchase" as a newcomer follows it: `npm start`, then its shell blocks pasted one after the other
 * (run here with bash and curl, the port replaced by the one this start got). Every call must succeed, and the order
 * must end completed, paid in the sandbox and shipped by the demo merchant `npm start` seeds, so the README cannot rot.
 */
const DEMO_MERCHANT = 'o-demo-merchant';
const README_BASE = 'http://127.0.0.1:8787';

/** The shell blocks of the README's "First purchase" section, in order. */
function firstPurchaseScript(readme: string): string {
  const section = /^## First purchase\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## First purchase" section');
  return [...section.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1]).join('\n');
}

// Its own functions folder: start.test.ts starts the shop at the same time, and each start rebuilds its folder.
const functionsDir = path.resolve('build', 'test-first-purchase', String(process.pid));
test.after.always(() => fs.rmSync(functionsDir, { recursive: true, force: true }));

async function npmStart() {
  const args = ['--import', 'tsx', 'scripts/start.ts', '--port', '0', '--memory', '--functions', functionsDir];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Ctrl-C')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /模拟器控制台\s+(http:\/\/\S+?)\/\s/.exec(output)![1]!;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = () => {
    child.kill('SIGINT');
    return exited;
  };
  return { url, output, stop };
}

test('npm start seeds a demo merchant, and the README walks a first purchase to a completed order', async (t) => {
  const shop = await npmStart();
  t.teardown(() => shop.stop());
  const document = async (collection: string, id: string) =>
    (
      (await (await fetch(`${shop.url}/__emulator/collections/${collection}/documents/${id}`)).json()) as {
        document: Record<string, any>;
      }
    ).document;

  t.regex(shop.output, new RegExp(`x-wx-openid: ${DEMO_MERCHANT}`), 'it says how to act as the merchant');
  t.like(await document('admins', DEMO_MERCHANT), { role: 'owner', active: true });

  const script = firstPurchaseScript(fs.readFileSync('README.md', 'utf8'));
  t.true(script.includes(README_BASE), `the README calls ${README_BASE}`);
  const run = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script.replaceAll(README_BASE, shop.url)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.is(run.status, 0, `the README's commands fail:\n${run.stderr}\n${run.stdout}`);

  // Each call prints its answer on a line: the gateway's `{result: {ok, data}}`, or the control API's JSON.
  const answers = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>);
  const calls = answers.filter((a) => 'result' in a);
  t.true(calls.length >= 7, `${calls.length} answers printed`);
  for (const answer of calls) t.like(answer, { result: { ok: true } }, JSON.stringify(answer).slice(0, 300));

  const orderId = /^ORDER=(\d+)$/m.exec(run.stdout)?.[1];
  t.truthy(orderId, 'the README prints the order id');
  const order = await document('orders', orderId!);
  t.is(order.status, 'completed');
  t.is(order.openid, 'o-demo-shopper');
  t.like(order.shipping, { carrier: '顺丰速运' });
  t.true(
    (order.history as Array<{ event: string; actor: string }>).some((h) => h.event === 'ship' && h.actor === 'merchant'),
    'shipped by the merchant',
  );
  const trade = (
    (await (await fetch(`${shop.url}/__emulator/pay/orders`)).json()) as { orders: Array<Record<string, any>> }
  ).orders.find((o) => o.outTradeNo === orderId);
  t.like(trade, { state: 'SUCCESS', totalFee: order.amounts.payable });
  const audit = (await (await fetch(`${shop.url}/__emulator/collections/audit_logs/documents`)).json()) as {
    documents: Array<Record<string, any>>;
  };
  t.true(
    audit.documents.some((d) => d.actor === DEMO_MERCHANT && d.action === 'orders.ship' && d.target === orderId),
    'the audit log names the demo merchant',
  );
  t.is(await shop.stop(), 0);
});
