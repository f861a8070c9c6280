/** tcb-router ships no types; this is the part the functions use. */
declare module 'tcb-router' {
  interface RouterContext {
    _req: { event: Record<string, unknown>; url: string | undefined };
    body: unknown;
  }
  type Middleware = (ctx: RouterContext, next: () => Promise<void>) => Promise<void> | void;
  export default class TcbRouter {
    constructor(options: { event: Record<string, unknown> });
    use(middleware: Middleware): void;
    use(path: string | string[], middleware: Middleware): void;
    router(path: string | string[], ...middlewares: Middleware[]): void;
    serve(): Promise<unknown>;
  }
}
