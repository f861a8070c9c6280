import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { buildMiniProgram } from '../scripts/miniprogram/build.js';
import { startShop, until } from './shop.js';

/**
 * The mini-program's pages under test (miniprogram/README.md, "Tests"): the app built as WeChat runs it
 * (scripts/miniprogram/build.ts), pages loaded with miniprogram-simulate (the official WXML compiler, TDesign
 * included) under jsdom, and every `wx.cloud.callFunction` they make answered by the real functions on the emulator
 * (`startShop()`), through its gateway as the signed-in shopper `openid`, exactly as `shop.call` does. Nothing of the
 * backend is mocked. The rest of `wx` that pages use is played here: an in-memory storage, navigation and toasts
 * recorded, `wx.request` over the network, `wx.requestPayment` paying in the emulator's pay sandbox.
 *
 * One mini-program per test file (jsdom and simulate are process-wide): start it in `before`, `close()` it in
 * `after.always`, which also detaches every page still shown (count-downs would keep the process alive).
 */

const require = createRequire(import.meta.url);

type Rec = Record<string, any>;

/** A node of the rendered tree (j-component): an element, or one of our components. */
export interface Node {
  readonly dom: HTMLElement | undefined;
  readonly data: Rec;
  readonly instance: Rec;
  querySelector(selector: string): Node | undefined;
  querySelectorAll(selector: string): Node[];
  dispatchEvent(eventName: string, options?: Rec): void;
  triggerPageLifeTime(name: string, ...args: unknown[]): void;
}

interface RootNode extends Node {
  attach(parent: HTMLElement): void;
  detach(): void;
}

/**
 * WeChat's compiler (wcc) compiles every template of the app in one run, read with spawnSync: the app with its pages
 * and TDesign's templates is over the 1 MB default buffer.
 */
export const WCC_OPTIONS = { maxBuffer: 64 * 1024 * 1024 };

interface Simulate {
  load(
    componentPath: string,
    options: { rootPath: string; compiler?: 'official'; compilerOptions?: Record<string, unknown> },
  ): string;
  render(id: string, properties?: Rec): RootNode;
  sleep(ms: number): Promise<void>;
}

/** What `wx.requestPayment` does next: pay in the sandbox (default), or the shopper cancels, or the payment fails. */
export type PaymentOutcome = 'pay' | 'cancel' | 'fail';

export interface Navigation {
  method: 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch' | 'navigateBack';
  url: string;
}

export interface RenderedPage {
  /** The page's root node (query it with `find`). */
  root: Node;
  /** The page's `this`: its data and methods. */
  instance: Rec;
  data: Rec;
  route: string;
  /**
   * The first node matching `selector`, or a failed test. `>>>` steps into a component's own tree:
   * `'.products__item >>> .card__title'`.
   */
  find(selector: string): Node;
  findAll(selector: string): Node[];
  has(selector: string): boolean;
  show(): void;
  hide(): void;
  reachBottom(): void;
  pullDownRefresh(): Promise<void>;
  share(): Rec;
  /** Unloads and detaches the page (also done by `close()` for pages still shown). */
  detach(): void;
}

/** A failed wx API call as WeChat reports it: `errMsg` (and `errCode`) on what the promise rejects with. */
function wxError(errMsg: string, errCode?: number): Error & { errMsg: string; errCode?: number } {
  return Object.assign(new Error(errMsg), { errMsg, ...(errCode === undefined ? {} : { errCode }) });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The text a node shows, white space collapsed. */
export function text(node: Node | undefined): string {
  return (node?.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** A finger's tap on the node (touchstart, then touchend), and a moment for the handlers to run. */
export async function tap(node: Node): Promise<void> {
  node.dispatchEvent('touchstart');
  node.dispatchEvent('touchend');
  await sleep(20);
}

/** Polls `predicate` until it holds (pages update after their calls answer). */
export async function waitFor(what: string, predicate: () => unknown, ms = 10_000): Promise<void> {
  await until(what, async () => Boolean(await predicate()), ms);
}

/** The app built for this test process alone (`build/test-miniprogram/<pid>`), for tests that need no emulator. */
export async function buildTestApp(): Promise<{ rootPath: string; remove(): void }> {
  const rootPath = path.resolve('build', 'test-miniprogram', String(process.pid));
  await buildMiniProgram({ outDir: rootPath });
  return { rootPath, remove: () => fs.rmSync(rootPath, { recursive: true, force: true }) };
}

/** `only`: the functions to build (all by default); `seed: false` starts with an empty shop; `openid`: the shopper. */
export async function startMiniProgram(options: { only?: string[]; seed?: boolean; openid?: string } = {}) {
  const [shop, { rootPath }] = await Promise.all([
    startShop({ ...(options.only ? { only: options.only } : {}), ...(options.seed === false ? { seed: false } : {}) }),
    buildTestApp(),
  ]);

  // jsdom first (simulate and TDesign expect a window), with jsdom's own Event classes: Node's make jsdom's
  // dispatchEvent throw.
  const cleanupDom = (require('global-jsdom') as (html?: string, options?: object) => () => void)();
  const g = globalThis as Rec;
  const nodeEvents = { Event: g.Event, CustomEvent: g.CustomEvent };
  g.Event = g.window.Event;
  g.CustomEvent = g.window.CustomEvent;
  const simulate = require('miniprogram-simulate') as Simulate;

  const state = {
    openid: options.openid ?? 'o-mp-shopper',
    payment: 'pay' as PaymentOutcome,
    /** What `wx.showModal` answers: confirm (default) or cancel; `modalText` is an editable modal's content. */
    modalConfirm: true,
    modalText: '',
    /** `wx.showActionSheet`'s choice (index), or cancel when -1. */
    actionSheetIndex: 0,
    /** What the shopper answers in `wx.requestSubscribeMessage`, for every template asked. */
    subscribe: 'accept' as 'accept' | 'reject',
    /** Whether WeChat still needs the shopper's agreement to the privacy guide, and what the shopper answers. */
    privacyNeeded: false,
    /** Files `wx.chooseMedia` hands over next (real files in a temporary folder); empty: the shopper cancels. */
    media: [] as string[],
  };
  /** What the pages showed or asked for, in order. */
  const modals: Array<{ title: string; content: string }> = [];
  const subscriptions: string[][] = [];
  const uploads: Array<{ cloudPath: string; fileID: string }> = [];
  const clipboard: string[] = [];
  const titles: string[] = [];
  const privacyListeners: Array<(resolve: (r: { event: string; buttonId?: string }) => void, info: Rec) => void> = [];
  const mediaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-media-'));
  let mediaCount = 0;
  let shoppers = 0;
  /** Calls whose answer is lost on the way back (`loseNextAnswer`), each once. */
  const lostAnswers: Array<{ name: string; route: string; errMsg: string }> = [];
  /** Every call the pages made, in order. */
  const calls: Array<{ name: string; route: string; params: Rec }> = [];
  const navigations: Navigation[] = [];
  const toasts: string[] = [];
  const storage = new Map<string, unknown>();
  const pages: RenderedPage[] = [];
  /** Calls not answered yet: `close()` lets them land before the DOM goes away. */
  const inFlight = new Set<Promise<unknown>>();
  const stack: Rec[] = [];

  /** Settles a wx API call the way WeChat does: callbacks when given, a promise otherwise. */
  function settle<T>(opts: Rec | undefined, work: () => Promise<T>): Promise<T> | undefined {
    const promise = work();
    if (!opts || !(opts.success || opts.fail || opts.complete)) return promise;
    promise.then(
      (res) => {
        opts.success?.(res);
        opts.complete?.(res);
      },
      (err: unknown) => {
        opts.fail?.(err);
        opts.complete?.(err);
      },
    );
    return undefined;
  }

  async function callFunction(name: string, data: Rec): Promise<Rec> {
    const { $url, ...params } = data;
    calls.push({ name, route: String($url), params });
    let res: Response;
    try {
      res = await fetch(`${shop.emulator.url}/functions/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': state.openid },
        body: JSON.stringify(data),
      });
    } catch (err) {
      throw wxError(`cloud.callFunction:fail request:fail ${(err as Error).message}`, -1);
    }
    const body = (await res.json()) as Rec;
    if (res.status === 200 && 'result' in body) {
      return { errMsg: 'cloud.callFunction:ok', result: body.result, requestID: body.requestID };
    }
    throw wxError(body.errMsg ?? `cloud.callFunction:fail ${res.status}`, body.errCode ?? -1);
  }

  async function request(opts: Rec): Promise<Rec> {
    try {
      const method = String(opts.method ?? 'GET');
      const res = await fetch(String(opts.url), {
        method,
        headers: opts.header as Record<string, string>,
        // An ArrayBuffer goes as raw bytes (a file upload), anything else as JSON, as wx.request sends them.
        body:
          method === 'GET' || opts.data === undefined
            ? undefined
            : opts.data instanceof ArrayBuffer
              ? Buffer.from(opts.data)
              : JSON.stringify(opts.data),
      });
      const raw = await res.text();
      let data: unknown = raw;
      try {
        data = JSON.parse(raw);
      } catch {
        // not JSON: handed over as text, as wx.request does
      }
      return { errMsg: 'request:ok', statusCode: res.status, data, header: Object.fromEntries(res.headers) };
    } catch (err) {
      throw wxError(`request:fail ${(err as Error).message}`);
    }
  }

  /** Plays the shopper in WeChat's payment sheet: the trade of this prepay id is paid (or failed) in the sandbox. */
  async function requestPayment(params: Rec): Promise<Rec> {
    if (state.payment === 'cancel') throw wxError('requestPayment:fail cancel');
    const prepayId = String(params.package ?? '').replace(/^prepay_id=/, '');
    const trade = ((await shop.control('GET', '/pay/orders')).orders as Rec[]).find((o) => o.prepayId === prepayId);
    if (!trade) throw wxError(`requestPayment:fail no trade with prepay_id ${prepayId}`);
    if (state.payment === 'fail') {
      await shop.control('POST', `/pay/orders/${trade.outTradeNo}/fail`, {});
      throw wxError('requestPayment:fail');
    }
    await shop.control('POST', `/pay/orders/${trade.outTradeNo}/pay`, { openid: state.openid });
    await shop.pay.idle();
    return { errMsg: 'requestPayment:ok' };
  }

  /**
   * A privacy-sensitive API (photos, avatar, clipboard…): while the shopper has not agreed to the privacy guide, WeChat
   * first calls the page's `wx.onNeedPrivacyAuthorization` listener and goes on only once it resolves with `agree`.
   */
  async function withPrivacy<T>(api: string, work: () => Promise<T>): Promise<T> {
    if (state.privacyNeeded) {
      const listener = privacyListeners.at(-1);
      if (!listener) throw wxError(`${api}:fail privacy permission is not authorized`, 104);
      const answer = await new Promise<{ event: string }>((resolve) => listener(resolve, { referrer: api }));
      if (answer.event !== 'agree') throw wxError(`${api}:fail privacy permission is not authorized`, 104);
      state.privacyNeeded = false;
    }
    return work();
  }

  /** Puts a file's bytes in the emulator's cloud storage, as the client SDK uploads them. */
  async function uploadFile(opts: Rec): Promise<Rec> {
    const cloudPath = String(opts.cloudPath ?? '');
    const bytes = fs.readFileSync(String(opts.filePath));
    const res = await fetch(
      `${shop.emulator.url}/__emulator/storage/files/${cloudPath.split('/').map(encodeURIComponent).join('/')}`,
      {
        method: 'PUT',
        body: bytes,
      },
    );
    if (!res.ok) throw wxError(`cloud.uploadFile:fail ${res.status} ${await res.text()}`, -1);
    const file = (await res.json()) as Rec;
    uploads.push({ cloudPath, fileID: String(file.fileID) });
    return { errMsg: 'cloud.uploadFile:ok', fileID: file.fileID, statusCode: 200 };
  }

  const ok = (api: string, extra: Rec = {}) => ({ errMsg: `${api}:ok`, ...extra });

  const navigate =
    (method: Navigation['method']) =>
    (opts: Rec = {}): Promise<Rec> | undefined =>
      settle(opts, async () => {
        navigations.push({ method, url: String(opts.url ?? '') });
        return { errMsg: `${method}:ok` };
      });

  const wx = g.wx as Rec;
  Object.assign(wx, {
    cloud: {
      init: () => undefined,
      callFunction: (opts: Rec) =>
        settle(opts, () => {
          const name = String(opts.name);
          const data = (opts.data ?? {}) as Rec;
          const lost = lostAnswers.findIndex((l) => l.name === name && l.route === data.$url);
          const answer =
            lost < 0
              ? callFunction(name, data)
              : callFunction(name, data).then(() => {
                  throw wxError(lostAnswers.splice(lost, 1)[0]!.errMsg, -1);
                });
          inFlight.add(answer);
          void answer.catch(() => undefined).finally(() => inFlight.delete(answer));
          return answer;
        }),
      uploadFile: (opts: Rec) => settle(opts, () => uploadFile(opts)),
    },
    // Files the shopper picked are real files: read as WeChat's file system manager reads them.
    getFileSystemManager: () => ({
      readFileSync: (filePath: string) => {
        const bytes = fs.readFileSync(filePath);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      },
    }),
    showModal: (opts: Rec = {}) =>
      settle(opts, async () => {
        modals.push({ title: String(opts.title ?? ''), content: String(opts.content ?? '') });
        return ok('showModal', {
          confirm: state.modalConfirm,
          cancel: !state.modalConfirm,
          ...(opts.editable ? { content: state.modalText } : {}),
        });
      }),
    showActionSheet: (opts: Rec = {}) =>
      settle(opts, async () => {
        if (state.actionSheetIndex < 0) throw wxError('showActionSheet:fail cancel');
        return ok('showActionSheet', { tapIndex: state.actionSheetIndex });
      }),
    showLoading: (opts: Rec = {}) => settle(opts, async () => ok('showLoading')),
    hideLoading: (opts: Rec = {}) => settle(opts, async () => ok('hideLoading')),
    setNavigationBarTitle: (opts: Rec = {}) =>
      settle(opts, async () => {
        titles.push(String(opts.title ?? ''));
        return ok('setNavigationBarTitle');
      }),
    pageScrollTo: (opts: Rec = {}) => settle(opts, async () => ok('pageScrollTo')),
    vibrateShort: (opts: Rec = {}) => settle(opts, async () => ok('vibrateShort')),
    showShareMenu: (opts: Rec = {}) => settle(opts, async () => ok('showShareMenu')),
    makePhoneCall: (opts: Rec = {}) => settle(opts, async () => ok('makePhoneCall')),
    setClipboardData: (opts: Rec = {}) =>
      settle(opts, () =>
        withPrivacy('setClipboardData', async () => {
          clipboard.push(String(opts.data ?? ''));
          return ok('setClipboardData');
        }),
      ),
    chooseMedia: (opts: Rec = {}) =>
      settle(opts, () =>
        withPrivacy('chooseMedia', async () => {
          if (!state.media.length) throw wxError('chooseMedia:fail cancel');
          const files = state.media.splice(0, Number(opts.count ?? 9));
          return ok('chooseMedia', {
            type: 'image',
            tempFiles: files.map((f) => ({ tempFilePath: f, size: fs.statSync(f).size, fileType: 'image' })),
          });
        }),
      ),
    requestSubscribeMessage: (opts: Rec = {}) =>
      settle(opts, async () => {
        const ids = (opts.tmplIds ?? []) as string[];
        subscriptions.push(ids);
        return ok('requestSubscribeMessage', Object.fromEntries(ids.map((id) => [id, state.subscribe])));
      }),
    getPrivacySetting: (opts: Rec = {}) =>
      settle(opts, async () =>
        ok('getPrivacySetting', { needAuthorization: state.privacyNeeded, privacyContractName: '《云开发小店隐私保护指引》' }),
      ),
    onNeedPrivacyAuthorization: (listener: (typeof privacyListeners)[number]) => void privacyListeners.push(listener),
    requirePrivacyAuthorize: (opts: Rec = {}) =>
      settle(opts, () => withPrivacy('requirePrivacyAuthorize', async () => ok('requirePrivacyAuthorize'))),
    openPrivacyContract: (opts: Rec = {}) => settle(opts, async () => ok('openPrivacyContract')),
    // The app as shipped: config.ts then uses the cloud (wx.cloud.callFunction above).
    getAccountInfoSync: () => ({ miniProgram: { appId: 'wx-test', envVersion: 'release', version: '1.0.0' } }),
    request: (opts: Rec) => settle(opts, () => request(opts)),
    requestPayment: (opts: Rec) => settle(opts, () => requestPayment(opts)),
    setStorageSync: (key: string, value: unknown) => void storage.set(key, structuredClone(value)),
    getStorageSync: (key: string) => (storage.has(key) ? structuredClone(storage.get(key)) : ''),
    removeStorageSync: (key: string) => void storage.delete(key),
    clearStorageSync: () => storage.clear(),
    getStorageInfoSync: () => ({ keys: [...storage.keys()], currentSize: 0, limitSize: 10240 }),
    navigateTo: navigate('navigateTo'),
    redirectTo: navigate('redirectTo'),
    switchTab: navigate('switchTab'),
    reLaunch: navigate('reLaunch'),
    navigateBack: (opts: Rec = {}) =>
      settle(opts, async () => {
        navigations.push({ method: 'navigateBack', url: '' });
        return { errMsg: 'navigateBack:ok' };
      }),
    showToast: (opts: Rec = {}) =>
      settle(opts, async () => {
        toasts.push(String(opts.title ?? ''));
        return { errMsg: 'showToast:ok' };
      }),
    stopPullDownRefresh: (opts: Rec = {}) => settle(opts, async () => ({ errMsg: 'stopPullDownRefresh:ok' })),
  });
  g.getApp = () => ({ globalData: {} });
  g.getCurrentPages = () => [...stack];

  /** Steps through `a >>> b`: `b` is looked up inside the component `a` found. */
  function query(from: Node, selector: string): Node[] {
    const steps = selector.split('>>>').map((s) => s.trim());
    let nodes: Node[] = [from];
    for (const step of steps) nodes = nodes.flatMap((n) => n.querySelectorAll(step));
    return nodes;
  }

  /** A temporary image file, as WeChat's pickers hand one over (a 1×1 PNG); `willChooseImages` queues them for chooseMedia. */
  function imageFile(): string {
    const file = path.join(mediaDir, `photo-${++mediaCount}.png`);
    fs.writeFileSync(file, TINY_PNG);
    return file;
  }

  /** Renders a page (`pages/home/index`) as WeChat opens it: attached, then `onLoad(query)` and `onShow()`. */
  function renderPage(route: string, pageQuery: Record<string, string> = {}): RenderedPage {
    const id = simulate.load(path.join(rootPath, route), { rootPath, compiler: 'official', compilerOptions: WCC_OPTIONS });
    const root = simulate.render(id);
    root.attach(g.document.createElement('parent-wrapper') as HTMLElement);
    const instance = root.instance;
    Object.assign(instance, { route, options: pageQuery });
    stack.push(instance);
    let attached = true;
    const page: RenderedPage = {
      root,
      instance,
      get data() {
        return root.data;
      },
      route,
      find(selector) {
        const node = query(root, selector)[0];
        if (!node) throw new Error(`${route}: nothing matches ${selector}`);
        return node;
      },
      findAll: (selector) => query(root, selector),
      has: (selector) => query(root, selector).length > 0,
      show() {
        instance.onShow?.();
        root.triggerPageLifeTime('show');
      },
      hide() {
        instance.onHide?.();
        root.triggerPageLifeTime('hide');
      },
      reachBottom: () => instance.onReachBottom?.(),
      pullDownRefresh: async () => instance.onPullDownRefresh?.(),
      share: () => instance.onShareAppMessage?.({ from: 'menu' }),
      detach() {
        if (!attached) return;
        attached = false;
        instance.onUnload?.();
        root.detach();
        stack.splice(stack.indexOf(instance), 1);
      },
    };
    pages.push(page);
    instance.onLoad?.(pageQuery);
    page.show();
    return page;
  }

  /** A module of the built app, as its pages see it (the same instance: Node's module cache). */
  function appModule<T = Rec>(file: string): T {
    return require(path.join(rootPath, file)) as T;
  }

  return {
    shop,
    rootPath,
    calls,
    navigations,
    toasts,
    storage,
    renderPage,
    /** Renders a page and waits until it no longer shows 加载中 (`data.status`). */
    async renderLoaded(route: string, pageQuery: Record<string, string> = {}): Promise<RenderedPage> {
      const page = renderPage(route, pageQuery);
      await waitFor(`${route} to load`, () => page.data.status !== 'loading');
      return page;
    },
    appModule,
    /** Adds `products` (`spus` documents) to the shop for the time of `work`, then removes them. */
    async withProducts<T>(products: Array<{ _id: string }>, work: () => Promise<T>): Promise<T> {
      await shop.db.collection('spus').add(products);
      try {
        return await work();
      } finally {
        await Promise.all(products.map((p) => shop.db.collection('spus').doc(p._id).remove()));
      }
    },
    /** Calls from now on are made as this shopper. */
    signInAs(openid: string) {
      state.openid = openid;
    },
    /** Signs in as a shopper new to the shop (`<prefix>-1`, `<prefix>-2`…) and answers their openid. */
    newShopper(prefix: string): string {
      state.openid = `${prefix}-${++shoppers}`;
      return state.openid;
    },
    /**
     * The next call of `name.route` reaches the function, which does its work, but the answer never comes back to the
     * phone (a dropped connection): the page's call fails with `errMsg`, as `wx.cloud.callFunction` reports it.
     */
    loseNextAnswer(name: string, route: string, errMsg = 'cloud.callFunction:fail request:fail timeout') {
      lostAnswers.push({ name, route, errMsg });
    },
    get openid() {
      return state.openid;
    },
    /** What the next `wx.requestPayment` does (default: pays). */
    set payment(outcome: PaymentOutcome) {
      state.payment = outcome;
    },
    modals,
    subscriptions,
    uploads,
    clipboard,
    titles,
    /** How the shopper answers the next modals (`wx.showModal`): confirm, or cancel; `text` for an editable one. */
    answerModals(confirm: boolean, text = '') {
      state.modalConfirm = confirm;
      state.modalText = text;
    },
    /** The action-sheet item the shopper picks (index), or -1 to cancel. */
    pickInActionSheet(index: number) {
      state.actionSheetIndex = index;
    },
    /** How the shopper answers `wx.requestSubscribeMessage` from now on (default: accept every template). */
    answerSubscriptions(answer: 'accept' | 'reject') {
      state.subscribe = answer;
    },
    /** Whether WeChat still needs the shopper's agreement to the privacy guide before photos, avatar, clipboard… */
    needPrivacyAuthorization(needed: boolean) {
      state.privacyNeeded = needed;
    },
    get privacyNeeded() {
      return state.privacyNeeded;
    },
    /** The next `wx.chooseMedia` hands over `count` small PNG photos (real files); returns their paths. */
    willChooseImages(count: number): string[] {
      const files = Array.from({ length: count }, imageFile);
      state.media.push(...files);
      return files;
    },
    imageFile,
    /** Calls of `name.route` the pages made so far. */
    callsOf: (name: string, route: string) => calls.filter((c) => c.name === name && c.route === route),
    /** The latest navigation, or a failed test. */
    lastNavigation(): Navigation {
      const last = navigations.at(-1);
      if (!last) throw new Error('no navigation yet');
      return last;
    },
    async close() {
      for (const page of pages) page.detach();
      // Events the pages queued go out while the functions still run, and late answers land on the detached pages.
      const tracker = appModule<{ flushEvents?: () => Promise<void> }>('services/tracker.js');
      await tracker.flushEvents?.();
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      await sleep(20);
      await shop.close();
      cleanupDom();
      Object.assign(g, nodeEvents);
      fs.rmSync(rootPath, { recursive: true, force: true });
      fs.rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}

/** A 1×1 PNG: what a photo the shopper picks is, as far as uploads and the pages are concerned. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

export type MiniProgram = Awaited<ReturnType<typeof startMiniProgram>>;
