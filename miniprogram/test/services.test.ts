import test from 'ava';
import { type MiniProgram, startMiniProgram, waitFor } from '../../testkit/miniprogram.js';
import { dataOf } from '../../testkit/shop.js';
import type { CreatedPayment } from '../../typings/pay.js';
import type { HomeData, ListData } from '../../typings/product.js';

// services/: the app's only way to the cloud, as the built app runs it, against the real functions.

type Transport = (name: string, data: Record<string, unknown>) => Promise<unknown>;
interface CallModule {
  call: (name: string, route: string, params?: Record<string, unknown>) => Promise<unknown>;
  unwrap: (answer: unknown) => unknown;
}
interface ErrorsModule {
  ServiceError: new (code: string, message: string) => Error & { code: string };
}
interface TransportModule {
  localTransport: (url: string, openid: string) => Transport;
}
interface TrackerModule {
  track: (event: Record<string, unknown>) => void;
  flushEvents: () => Promise<void>;
  pendingEvents: () => number;
}

let mp: MiniProgram;
let services: CallModule;
let errors: ErrorsModule;

test.before(async () => {
  mp = await startMiniProgram({ only: ['product', 'flashsale', 'track', 'user', 'order', 'pay'] });
  services = mp.appModule<CallModule>('services/call.js');
  errors = mp.appModule<ErrorsModule>('services/errors.js');
});

test.after.always(async () => {
  await mp?.close();
});

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof errors.ServiceError)) throw new Error(`expected a ServiceError, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

test.serial('call() answers the envelope’s data, as the gateway gives it to shop.call', async (t) => {
  const data = (await services.call('product', 'list', { categoryId: 'c-apparel', pageSize: 3 })) as ListData;
  t.deepEqual(data, dataOf(await mp.shop.call<ListData>('product', 'list', { categoryId: 'c-apparel', pageSize: 3 })));
  t.is(data.items.length, 3);
  t.deepEqual(mp.calls.at(-1), { name: 'product', route: 'list', params: { categoryId: 'c-apparel', pageSize: 3 } });
});

test.serial('a refusal becomes a ServiceError with the route’s code and Chinese message', async (t) => {
  const missing = await refusal(services.call('product', 'detail', { spuId: 'spu-nope' }));
  const expected = await mp.shop.call('product', 'detail', { spuId: 'spu-nope' });
  t.false(expected.ok);
  t.deepEqual(missing, expected.ok ? undefined : { code: expected.code, message: expected.message });
  t.is(missing.code, 'NOT_FOUND');

  const invalid = await refusal(services.call('product', 'detail', { spuId: '../x' }));
  t.is(invalid.code, 'VALIDATION');
  t.regex(invalid.message, /[\u4e00-\u9fa5]/, 'a message in Chinese');

  const unknown = await refusal(services.call('product', 'nope'));
  t.is(unknown.code, 'UNKNOWN_ROUTE');
  t.is(unknown.message, '未知的接口：nope');
});

test.serial('unwrap() refuses an answer that is not an envelope', (t) => {
  const err = t.throws(() => services.unwrap({ result: 1 }));
  t.true(err instanceof errors.ServiceError);
  t.is((err as Error & { code: string }).code, 'INTERNAL');
});

test.serial('the local transport reaches the emulator’s gateway with wx.request, as the development shopper', async (t) => {
  const { localTransport } = mp.appModule<TransportModule>('services/transport.js');
  const send = localTransport(mp.shop.emulator.url, 'o-local-developer');
  const home = services.unwrap(await send('product', { $url: 'home' })) as HomeData;
  const stored = dataOf(await mp.shop.call<HomeData>('product', 'home'));
  t.deepEqual(
    home.recommended.map((p) => p.spuId),
    stored.recommended.map((p) => p.spuId),
  );
  // Cloud-storage file ids, which only a real environment serves, come back as the emulator's download links.
  t.true(stored.banners[0]!.image.startsWith('cloud://'));
  const link = home.banners[0]!.image;
  t.true(link.startsWith(`${mp.shop.emulator.url}/__storage/download/`), link);
  const image = await fetch(link);
  t.is(image.status, 200);
  t.regex(await image.text(), /^<svg/);

  // The header names the caller: a signed-in route counts this shopper's visit.
  services.unwrap(await send('track', { $url: 'events', events: [{ type: 'page_view', page: 'pages/home/index' }] }));
  const visits = (await mp.shop.db.collection('visits').where({ openid: 'o-local-developer' }).get()).data;
  t.is(visits.length, 1);
});

test.serial('a call that never gets an answer is a NETWORK ServiceError', async (t) => {
  const { localTransport } = mp.appModule<TransportModule>('services/transport.js');
  // Nothing listens on port 9 of this machine: the connection is refused.
  const send = localTransport('http://127.0.0.1:9', 'o-local-developer');
  const err = await refusal(send('product', { $url: 'home' }));
  t.deepEqual(err, { code: 'NETWORK', message: '网络不给力，请检查网络后重试' });
});

test.serial('the tracker sends 10 events at once as one batch, and fewer when flushed', async (t) => {
  const tracker = mp.appModule<TrackerModule>('services/tracker.js');
  mp.signInAs('o-tracked');
  try {
    const before = mp.callsOf('track', 'events').length;
    for (let i = 0; i < 9; i++) tracker.track({ type: 'product_view', spuId: 'spu-002', page: 'pages/product/detail/index' });
    t.is(tracker.pendingEvents(), 9);
    t.is(mp.callsOf('track', 'events').length, before, 'nine events wait');
    tracker.track({ type: 'product_view', spuId: 'spu-003', page: 'pages/product/detail/index' });
    await waitFor('the batch', () => mp.callsOf('track', 'events').length === before + 1);
    t.is((mp.callsOf('track', 'events').at(-1)!.params.events as unknown[]).length, 10);

    tracker.track({ type: 'page_view', page: 'pages/home/index' });
    await tracker.flushEvents();
    t.is(tracker.pendingEvents(), 0);
    t.is(mp.callsOf('track', 'events').length, before + 2);

    // Read back: the shopper's footprints are the products viewed.
    const footprints = dataOf(
      await mp.shop.call<{ items: Array<{ spuId: string }> }>('user', 'footprints.list', {}, 'o-tracked'),
    );
    t.deepEqual(footprints.items.map((f) => f.spuId).sort(), ['spu-002', 'spu-003']);
    const visit = (await mp.shop.db.collection('visits').where({ openid: 'o-tracked' }).get()).data[0];
    t.true(visit.productViewed);
  } finally {
    mp.signInAs('o-mp-shopper');
  }
});

test.serial(
  'wx.requestPayment with the answer of pay.create pays the order in the pay sandbox (the harness’s stand-in)',
  async (t) => {
    const wx = (globalThis as unknown as { wx: { requestPayment: (p: object) => Promise<{ errMsg: string }> } }).wx;
    const order = await mp.shop.orderFor(mp.openid, 'spu-001-06');
    const { payment } = dataOf(await mp.shop.call<CreatedPayment>('pay', 'create', { orderId: order.orderId }, mp.openid));

    mp.payment = 'cancel';
    await t.throwsAsync(wx.requestPayment(payment), { message: 'requestPayment:fail cancel' });
    t.is((await mp.shop.inspect.order(order.orderId)).status, 'pending_payment');

    mp.payment = 'pay';
    t.is((await wx.requestPayment(payment)).errMsg, 'requestPayment:ok');
    t.is((await mp.shop.inspect.order(order.orderId)).status, 'paid');
  },
);

interface StorageModule {
  uploadFile: (filePath: string, folder: string) => Promise<string>;
  uploadToEmulator: (url: string, filePath: string, cloudPath: string) => Promise<string>;
  cloudPathFor: (folder: string, filePath: string, now?: number) => string;
}

test.serial(
  'uploads: a picked photo reaches cloud storage, through wx.cloud or the local emulator, as the same bytes',
  async (t) => {
    const storage = mp.appModule<StorageModule>('services/storage.js');
    t.regex(storage.cloudPathFor('reviews', '/tmp/wxfile/abc.PNG', 1733390000000), /^reviews\/1733390000000-[a-z0-9]{1,6}\.png$/);
    t.regex(storage.cloudPathFor('avatars', 'http://tmp/noext'), /^avatars\/\d+-[a-z0-9]{1,6}\.jpg$/);

    const [viaCloud, viaEmulator] = mp.willChooseImages(2);
    const cloudId = await storage.uploadFile(viaCloud!, 'reviews');
    const localId = await storage.uploadToEmulator(mp.shop.emulator.url, viaEmulator!, 'after-sales/local-test.png');
    const files = (await mp.shop.control('GET', '/storage')).files as Array<{ fileID: string; size: number }>;
    for (const id of [cloudId, localId]) {
      const file = files.find((f) => f.fileID === id);
      t.truthy(file, id);
      t.is(file?.size, (await import('node:fs')).statSync(viaCloud!).size);
    }
    t.regex(cloudId, /\/reviews\/\d+-[a-z0-9]+\.png$/);
    t.regex(localId, /\/after-sales\/local-test\.png$/);
  },
);
