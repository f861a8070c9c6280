import type { startShop } from '../test/shop.js';

type Shop = Awaited<ReturnType<typeof startShop>>;

/**
 * Points this test process's wx-server-sdk at the emulator (the variables the CloudBase runtime gives a function,
 * emulator/README "Pointing the SDKs at it"), so tests can call the shared member helpers that the order, pay and jobs
 * functions will call inside their transactions, with the real SDK. Import the shared modules only after this.
 */
export function useEmulatorFromTests(shop: Shop): void {
  Object.assign(process.env, {
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${shop.emulator.url}/admin` }),
    TENCENTCLOUD_SECRETID: 'local',
    TENCENTCLOUD_SECRETKEY: 'local',
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: shop.emulator.envId,
    TCB_ENV: shop.emulator.envId,
  });
}
