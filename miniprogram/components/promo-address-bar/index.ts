import { openPage } from '../../utils/navigation';
import { PAGES, pageUrl } from '../../utils/pages';

/**
 * Where a flash-sale or group-buy order ships: the address the page passes (`addressId`, `name`, `phone`, `line`;
 * empty: none yet). A tap opens the address book as a chooser (`?select=1`), which leaves the choice for the page to take when it
 * shows again (services/addresses.ts `shippingAddress`).
 */
Component({
  properties: {
    addressId: { type: String, value: '' },
    name: { type: String, value: '' },
    phone: { type: String, value: '' },
    line: { type: String, value: '' },
  },
  methods: {
    choose() {
      openPage(pageUrl(PAGES.addresses, { select: 1, addressId: this.data.addressId }));
    },
  },
});
