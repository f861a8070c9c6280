import cloud from 'wx-server-sdk';

/**
 * The SDK, initialised once per function instance for the environment the function runs in. Everything that talks to
 * CloudBase (the database handle in store/db.ts, cloudPay, open APIs, the caller's identity) goes through this object.
 */
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string }); // the typings predate DYNAMIC_CURRENT_ENV (a symbol)

export { cloud };
