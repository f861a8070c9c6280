import { shippingAddress } from '../services/addresses';
import { type ShippingView, shippingView } from '../utils/address-form';

/**
 * The address bar of the pages that place an order in one tap (秒杀, 拼团活动): `address`, read again each time the
 * page shows, since the shopper may be back from the address chooser (services/addresses.ts `shippingAddress`). A
 * failure leaves the bar as it was; the purchase asks for an address when there is none.
 */
export const shippingBar = Behavior({
  data: { address: null as ShippingView | null },
  pageLifetimes: {
    show() {
      shippingAddress(this.data.address?.addressId).then(
        (address) => this.setData({ address: shippingView(address) }),
        () => undefined, // the bar stays as it was
      );
    },
  },
});
