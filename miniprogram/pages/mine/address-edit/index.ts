import { fetchAddress, saveAddress } from '../../../services/addresses';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { messageOf } from '../../../services/errors';
import { isPrivacyRefusal } from '../../../services/privacy';
import {
  type AddressForm,
  addressFormError,
  EMPTY_ADDRESS_FORM,
  formOfAddress,
  formOfWechatAddress,
  regionText,
  saveInputOf,
} from '../../../utils/address-form';

/**
 * 新增 / 编辑收货地址 (`?addressId=` to edit): name, phone, region (the native region picker), street and default, or
 * filled from the shopper's WeChat address (`wx.chooseAddress`, behind the privacy popup). Checked before sending
 * (utils/address-form.ts); `addresses.save` stores phone and street encrypted.
 */

type Status = 'loading' | 'ready' | 'error';
type Field = 'name' | 'phone' | 'detail';

Component({
  behaviors: [reloadable],
  data: {
    status: 'ready' as Status,
    errorMessage: '',
    addressId: '',
    form: { ...EMPTY_ADDRESS_FORM },
    regionText: '',
    formError: '',
    saving: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const addressId = query.addressId ?? '';
      this.setData({ addressId });
      if (addressId) {
        void wx.setNavigationBarTitle({ title: '编辑收货地址' });
        void this.load();
      }
    },

    /** The address in full (the list only has it masked). */
    async load() {
      await loadShown(this, false, async () => {
        this.fill(formOfAddress(await fetchAddress(this.data.addressId)));
        this.setData({ status: 'ready' });
      });
    },
    fill(form: AddressForm) {
      this.setData({ form, regionText: regionText(form.region), formError: '' });
    },

    onInput(e: WechatMiniprogram.Input & { currentTarget: { dataset: { field: Field } } }) {
      this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value, formError: '' });
    },
    onRegion(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      const region = e.detail.value;
      this.setData({ 'form.region': region, regionText: regionText(region), formError: '' });
    },
    onDefault(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      this.setData({ 'form.isDefault': e.detail.value });
    },

    /** The shopper's address kept by WeChat; the privacy popup asks first if they have not agreed yet. */
    importWechat() {
      wx.chooseAddress({
        success: (picked) => this.fill(formOfWechatAddress(picked, this.data.form.isDefault)),
        fail: (err: WechatMiniprogram.GeneralCallbackResult) => {
          if (isPrivacyRefusal(err)) void wx.showToast({ title: '未同意隐私保护指引，无法读取微信地址', icon: 'none' });
          else if (!/cancel/.test(err.errMsg)) void wx.showToast({ title: '无法读取微信地址，请手动填写', icon: 'none' });
        },
      });
    },

    async save() {
      if (this.data.saving) return;
      const { form, addressId } = this.data;
      const problem = addressFormError(form);
      if (problem) {
        this.setData({ formError: problem });
        void wx.showToast({ title: problem, icon: 'none' });
        return;
      }
      this.setData({ saving: true, formError: '' });
      try {
        await saveAddress(saveInputOf(form, addressId || undefined));
        void wx.showToast({ title: '已保存', icon: 'success' });
        void wx.navigateBack({ delta: 1 });
      } catch (err) {
        this.setData({ formError: messageOf(err) });
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
