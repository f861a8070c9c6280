import type { Address, MAX_ADDRESSES } from '../../../../typings/user';
import {
  chooseAddressId,
  chosenAddressId,
  fetchAddresses,
  forgetChosenAddress,
  removeAddress,
  setDefaultAddress,
} from '../../../services/addresses';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { messageOf } from '../../../services/errors';
import { addressLine } from '../../../utils/address-form';
import { openPage } from '../../../utils/navigation';
import { PAGES, pageUrl } from '../../../utils/pages';

/**
 * 收货地址: the address book as `addresses.list` answers it (phone and street masked), default first; edit, remove
 * (after a confirmation), make default, add. Opened with `?select=1` (by checkout or a promotion; `&addressId=` marks
 * the address the opener uses now) it is a chooser: a tap stores the address id under `checkout:addressId`
 * (services/addresses.ts) and goes back.
 */

type Status = 'loading' | 'ready' | 'error';

/** The book's limit (typings/user.ts): the form is not offered past it. */
const MAX: typeof MAX_ADDRESSES = 20;

interface Row {
  addressId: string;
  name: string;
  phone: string;
  line: string;
  isDefault: boolean;
  chosen: boolean;
}

type IdEvent = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>;

Component({
  behaviors: [reloadable],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    rows: [] as Row[],
    selecting: false,
    /** The address the opener ships to now (`?addressId=`), marked in the chooser. */
    current: '',
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const selecting = query.select === '1';
      this.setData({ selecting, current: query.addressId ?? '' });
      if (selecting) void wx.setNavigationBarTitle({ title: '选择收货地址' });
    },
    /** Back from the form: the book may have changed. */
    onShow() {
      void this.load();
    },

    /** What is shown stays while it reloads. */
    async load() {
      await loadShown(this, true, async () => this.show(await fetchAddresses()));
    },
    show(book: Address[]) {
      const chosen = this.data.selecting ? chosenAddressId() || this.data.current : '';
      this.setData({
        status: 'ready',
        rows: book.map((a) => ({
          addressId: a.addressId,
          name: a.name,
          phone: a.phone,
          line: addressLine(a),
          isDefault: a.isDefault,
          chosen: a.addressId === chosen,
        })),
      });
    },

    choose(e: IdEvent) {
      if (!this.data.selecting) return;
      chooseAddressId(e.currentTarget.dataset.id);
      void wx.navigateBack({ delta: 1 });
    },
    add() {
      if (this.data.rows.length >= MAX) {
        void wx.showToast({ title: `最多保存 ${MAX} 个收货地址，请先删除不用的地址`, icon: 'none' });
        return;
      }
      openPage(PAGES.addressEdit);
    },
    edit(e: IdEvent) {
      openPage(pageUrl(PAGES.addressEdit, { addressId: e.currentTarget.dataset.id }));
    },

    async remove(e: IdEvent) {
      const { id } = e.currentTarget.dataset;
      if (this.data.busy) return;
      const { confirm } = await wx.showModal({ title: '删除收货地址', content: '确定删除这个收货地址吗？', confirmText: '删除' });
      if (!confirm) return;
      await this.change(() => removeAddress(id), '已删除');
      if (chosenAddressId() === id) forgetChosenAddress();
    },
    async makeDefault(e: IdEvent) {
      const { id } = e.currentTarget.dataset;
      if (this.data.busy) return;
      await this.change(() => setDefaultAddress(id), '已设为默认地址');
    },
    /** Both routes answer the whole book as it is afterwards. */
    async change(work: () => Promise<Address[]>, done: string) {
      this.setData({ busy: true });
      try {
        this.show(await work());
        void wx.showToast({ title: done, icon: 'success' });
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
