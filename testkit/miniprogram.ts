import fs from 'node:fs';
import { createRequire } from 'node:module';
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

interface Simulate {
  load(componentPath: string, options: { rootPath: string; compiler?: 'official' }): string;
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
  };
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
        body: method === 'GET' || opts.data === undefined ? undefined : JSON.stringify(opts.data),
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
          const answer = callFunction(String(opts.name), (opts.data ?? {}) as Rec);
          inFlight.add(answer);
          void answer.catch(() => undefined).finally(() => inFlight.delete(answer));
          return answer;
        }),
    },
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

  /** Renders a page (`pages/home/index`) as WeChat opens it: attached, then `onLoad(query)` and `onShow()`. */
  function renderPage(route: string, pageQuery: Record<string, string> = {}): RenderedPage {
    const id = simulate.load(path.join(rootPath, route), { rootPath, compiler: 'official' });
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
    appModule,
    /** Calls from now on are made as this shopper. */
    signInAs(openid: string) {
      state.openid = openid;
    },
    get openid() {
      return state.openid;
    },
    /** What the next `wx.requestPayment` does (default: pays). */
    set payment(outcome: PaymentOutcome) {
      state.payment = outcome;
    },
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
    },
  };
}

export type MiniProgram = Awaited<ReturnType<typeof startMiniProgram>>;
