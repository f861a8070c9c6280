/** The function runtime as the other services see it (payment callbacks, timers, open-API permissions, gateways). */

/** A function's `config.json`, as CloudBase reads it (docs/platform.md has the limits). */
export interface FunctionConfig {
  /** Seconds; 3 by default. */
  timeout?: number;
  permissions?: { openapi?: string[] };
  triggers?: Array<{ name: string; type: 'timer'; config: string }>;
  envVariables?: Record<string, string>;
}

export interface CallerIdentity {
  openid?: string;
  appid?: string;
  unionid?: string;
  clientIp?: string;
}

export type InvocationSource = 'gateway' | 'callFunction' | 'http' | 'timer' | 'payment' | 'refund' | 'control';

export interface InvokeOptions {
  source: InvocationSource;
  identity?: CallerIdentity;
}

export type InvocationOutcome =
  | { ok: true; result: unknown; invocationId: string }
  | {
      ok: false;
      code: 'FUNCTION_NOT_FOUND' | 'FUNCTIONS_EXECUTE_FAIL' | 'FUNCTIONS_TIME_LIMIT_EXCEEDED';
      message: string;
      invocationId?: string;
    };

export interface FunctionRuntime {
  names(): string[];
  config(name: string): FunctionConfig | undefined;
  /** Runs one invocation; never throws for the function's own failures (they come back as `ok: false`). */
  invoke(name: string, event: Record<string, unknown>, options: InvokeOptions): Promise<InvocationOutcome>;
}
