/**
 * The control API's answers as the page reads them: only the fields it shows. The routes are listed in
 * emulator/README.md; the server-side types live with each service, which the browser code cannot import (they
 * are Node modules).
 */
export interface IndexInfo {
  name: string;
  unique: boolean;
}

export interface CollectionInfo {
  name: string;
  count: number;
  indexes: IndexInfo[];
}

/** GET /__emulator/status */
export interface Status {
  envId: string;
  collections: CollectionInfo[];
  openTransactions: unknown[];
  transactions: { committed: number; conflicts: number };
  requests: number;
  errors: number;
}

/** GET /__emulator/functions */
export interface FunctionList {
  functions: Array<{
    name: string;
    instances: number;
    config?: { timeout?: number; triggers?: Array<{ name: string; config: string }> };
  }>;
  maxInstances: number;
  stats: { coldStarts: number; warmStarts: number };
}

/** `business_error`: the function answered a route's `{ ok: false }`; `error`: it failed (`failure` says how). */
export type InvocationOutcome = 'ok' | 'business_error' | 'error';

/** GET /__emulator/invocations?function=&route=&source=&caller=&outcome=&timers=&before=&limit= */
export interface InvocationPage {
  invocations: InvocationSummary[];
  /** The cursor for the next older page, when there is one. */
  nextBefore?: string;
}

/** An entry of GET /__emulator/invocations */
export interface InvocationSummary {
  id: string;
  functionName: string;
  source: string;
  route?: string;
  openid?: string;
  startedAt: number;
  durationMs?: number;
  coldStart: boolean;
  databaseCalls: number;
  /** Of those, the ones on the critical path (one after another); absent in invocations logged before it was kept. */
  databaseChain?: number;
  /** Absent while the invocation runs. */
  outcome?: InvocationOutcome;
  /** How an `error` failed. */
  failure?: 'error' | 'timeout' | 'crash' | 'stopped';
}

/** GET /__emulator/invocations/:id */
export interface Invocation extends InvocationSummary {
  instanceId?: string;
  adminCalls: number;
  logs: Array<{ level: string; text: string; at: number }>;
  event: unknown;
  result?: unknown;
  error?: string;
}

export interface Delivery {
  attempt: number;
  copy: number;
  at: string;
  outcome: string;
  result?: unknown;
  error?: string;
  retryInMs?: number;
}

/** An entry of GET /__emulator/pay/orders */
export interface PayOrder {
  outTradeNo: string;
  body: string;
  totalFee: number;
  openid?: string;
  functionName: string;
  state: string;
  createdAt: string;
  paidAt?: string;
  closedAt?: string;
  transactionId?: string;
  refundedFee: number;
  paymentFailures: number;
  deliveries: Delivery[];
}

/** GET /__emulator/pay/faults */
export interface PayFaults {
  duplicateNotifications?: number;
  delayMs?: number;
  refuseCalls?: number;
  deliverAfterRefund?: boolean;
  holdRefunds?: boolean;
  failingCalls?: string[];
}

/** An entry of GET /__emulator/pay/refunds */
export interface PayRefund {
  outRefundNo: string;
  outTradeNo: string;
  refundFee: number;
  totalFee: number;
  status: string;
  createdAt: string;
  successTime?: string;
  deliveries: Delivery[];
}

/** An entry of GET /__emulator/outbox */
export interface OutboxMessage {
  time: string;
  api: string;
  functionName?: string;
  outcome: 'sent' | 'refused';
  errcode: number;
  errmsg: string;
  touser?: unknown;
  templateId?: unknown;
  page?: unknown;
  data?: unknown;
}

/** GET /__emulator/timers */
export interface TimerList {
  paused: boolean;
  timers: Array<{
    functionName: string;
    triggerName: string;
    cron: string;
    error?: string;
    nextFireTime: string | null;
    /** Newest first. */
    firings: Array<{ firedTime: string; manual: boolean; outcome: { ok: boolean } }>;
  }>;
}

/** An entry of GET /__emulator/storage */
export interface StoredFile {
  path: string;
  size: number;
  updatedAt: string;
  fileID: string;
  tempFileURL: string;
}

/** A document as the data API hands it out: relaxed Extended JSON. */
export type Doc = Record<string, unknown>;

/** GET /__emulator/collections/:name/documents */
export interface DocumentPage {
  total: number;
  skip: number;
  limit: number;
  documents: Doc[];
}

/** GET /__emulator/reset */
export interface ResetInfo {
  canReseed: boolean;
}

/** POST /functions/:name, the mini-program's callFunction gateway */
export interface CallAnswer {
  result?: unknown;
  errCode?: number;
  errMsg?: string;
  requestID?: string;
}
