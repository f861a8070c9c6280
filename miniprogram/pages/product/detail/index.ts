import type { ActivityView } from '../../../../typings/groupbuy';
import type { ShareData } from '../../../../typings/member';
import type { ProductDetail } from '../../../../typings/product';
import type { ReviewSummary } from '../../../../typings/review';
import type { PickerAction, PickerDetail } from '../../../components/sku-picker/index';
import { pageView } from '../../../behaviors/page-view';
import { fetchDefaultAddress } from '../../../services/addresses';
import { fetchCart } from '../../../services/cart';
import { addToCart, bindInviteCode, fetchProductDetail, fetchPromotions } from '../../../services/catalog';
import { messageOf, ServiceError } from '../../../services/errors';
import { isFavorite, setFavorite } from '../../../services/favorites';
import { buyFlashSale } from '../../../services/flashsale';
import { fetchActivity, joinGroup, openGroup } from '../../../services/groupbuy';
import { fetchShare } from '../../../services/member';
import { fetchReviewSummary } from '../../../services/reviews';
import { trackProductView, trackShare } from '../../../services/tracker';
import {
  FLASH_SALE_ATTEMPT,
  GROUP_SEAT_ATTEMPT,
  IdempotentAttempt,
  outcomeUnknown,
  type PendingAttempt,
  pageDataStore,
} from '../../../utils/idempotent-attempt';
import { openPage } from '../../../utils/navigation';
import { PAGES, pageUrl } from '../../../utils/pages';
import {
  type FlashView,
  type GroupBuyView,
  type OpenGroupView,
  flashSkus,
  flashView,
  groupBuyView,
  groupSkus,
  openGroupViews,
  productSkus,
} from '../../../utils/promotion-view';
import { queryValue } from '../../../utils/query';
import type { PickableSku } from '../../../utils/sku';

/**
 * 商品详情 (`?spuId=`): the product from `product.detail` (images, price, title, specs, attributes), the SKU picker
 * (components/sku-picker) for 加入购物车 and 立即购买, and what is asked beside it, never waited for: the flash sale
 * and group-buy on the product (秒杀价 with its countdown and 立即抢购; the tiers, 发起拼团 and the groups to join),
 * the review summary, whether it is a favorite (收藏), the cart's count and the share (with the invite code). A product
 * off the shelf or unknown says so. The view is counted as a `product_view` (the shopper's footprints).
 */

const ROUTE = 'pages/product/detail/index';
/** Open groups shown to join. */
const OPEN_GROUPS = 2;

type Status = 'loading' | 'ready' | 'gone' | 'error';
type PickerMode = 'select' | 'cart' | 'buy' | 'flash' | 'group_open' | 'group_join';

const ACTIONS: Record<PickerMode, PickerAction[]> = {
  select: [
    { key: 'cart', text: '加入购物车' },
    { key: 'buy', text: '立即购买' },
  ],
  cart: [{ key: 'cart', text: '加入购物车' }],
  buy: [{ key: 'buy', text: '立即购买' }],
  flash: [{ key: 'flash', text: '立即抢购' }],
  group_open: [{ key: 'group_open', text: '发起拼团' }],
  group_join: [{ key: 'group_join', text: '参与拼团' }],
};

type Tap<D extends WechatMiniprogram.IAnyObject> = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, D>;

Component({
  behaviors: [pageView(ROUTE)],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    spuId: '',
    product: null as ProductDetail | null,
    /** The swiper's slide, from 1. */
    slide: 1,
    specNames: '',
    /** The choice made in the picker (normal variant): `黑色 / M`, or what is left to choose. */
    selection: { skuId: '', text: '', complete: false },
    cartCount: 0,
    favorite: false,
    favoriteBusy: false,
    summary: null as ReviewSummary | null,
    summaryFailed: false,
    flash: null as FlashView | null,
    group: null as GroupBuyView | null,
    activity: null as ActivityView | null,
    openGroups: [] as OpenGroupView[],
    share: null as ShareData | null,
    picker: {
      visible: false,
      mode: 'select',
      skus: [] as PickableSku[],
      actions: ACTIONS.select,
      maxQuantity: 0,
      priceLabel: '',
      preferredSkuId: '',
      groupId: '',
    },
    busy: false,
    /** The flash-sale buy or group seat whose answer was lost: its key goes with the retry. */
    attempt: null as PendingAttempt | null,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const spuId = queryValue(query.spuId);
      const inviteCode = queryValue(query.inviteCode);
      this.setData({ spuId });
      if (inviteCode) void bindInviteCode(inviteCode);
      void this.load();
    },
    onShareAppMessage() {
      const { spuId, share, product } = this.data;
      trackShare(ROUTE, spuId || undefined);
      const imageUrl = product?.images[0] ?? '';
      // The share asked for on load carries the invite code; without it the product is still shared.
      if (share) return { title: share.title, path: share.path, imageUrl };
      return { title: product?.title ?? '发现一件好物', path: pageUrl(PAGES.productDetail, { spuId }), imageUrl };
    },

    /** The product decides the page; everything else is asked alongside and lands when it comes. */
    async load() {
      const { spuId } = this.data;
      if (!spuId) {
        this.setData({ status: 'gone', errorMessage: '商品不存在' });
        return;
      }
      this.setData({ status: 'loading' });
      this.loadBeside(spuId);
      try {
        const product = await fetchProductDetail(spuId);
        this.setData({
          status: 'ready',
          errorMessage: '',
          product,
          specNames: product.specs.map((s) => s.name).join(' '),
          'picker.skus': productSkus(product),
        });
        void wx.setNavigationBarTitle({ title: product.title });
        trackProductView(spuId, ROUTE);
        // Promotions that answered first need the product's SKUs for the picker: nothing more to ask.
      } catch (err) {
        const gone = err instanceof ServiceError && err.code === 'NOT_FOUND';
        this.setData({ status: gone ? 'gone' : 'error', errorMessage: messageOf(err) });
      }
    },
    retry() {
      void this.load();
    },
    loadBeside(spuId: string) {
      void this.loadPromotions();
      fetchReviewSummary(spuId).then(
        (summary) => this.setData({ summary, summaryFailed: false }),
        () => this.setData({ summaryFailed: true }),
      );
      isFavorite(spuId).then(
        (favorite) => this.setData({ favorite }),
        () => undefined,
      );
      fetchShare(spuId).then(
        (share) => this.setData({ share }),
        () => undefined,
      );
      fetchCart().then(
        (cart) => this.setData({ cartCount: cart.count }),
        () => undefined,
      );
    },
    /** The flash sale and group-buy on the product (asked side by side), then the group-buy's open groups. */
    async loadPromotions() {
      const { flashSale, groupBuy } = await fetchPromotions(this.data.spuId);
      this.setData({
        flash: flashSale ? flashView(flashSale) : null,
        group: groupBuy ? groupBuyView(groupBuy) : null,
        activity: groupBuy,
        openGroups: [],
      });
      if (groupBuy?.state === 'running') {
        try {
          const detail = await fetchActivity(groupBuy.activityId);
          this.setData({ openGroups: openGroupViews(detail).slice(0, OPEN_GROUPS) });
        } catch {
          // The groups to join are a bonus; opening one still works.
        }
      }
    },
    /** A countdown reached its end: the sale or group-buy started or ended. */
    onPromotionFinish() {
      void this.loadPromotions();
    },

    onSwiper(e: WechatMiniprogram.SwiperChange) {
      this.setData({ slide: e.detail.current + 1 });
    },
    previewImage(e: Tap<{ url: string }>) {
      const urls = this.data.product?.images ?? [];
      void wx.previewImage({ urls, current: e.currentTarget.dataset.url });
    },

    // ---- the picker ----------------------------------------------------------------------------------------------

    openPicker(mode: PickerMode, groupId = '') {
      const { product, flash, activity, group } = this.data;
      if (!product) return;
      let skus = productSkus(product);
      let maxQuantity = 0;
      let priceLabel = '';
      let preferredSkuId = '';
      if (mode === 'flash' && flash) {
        skus = flashSkus(product, flash);
        maxQuantity = flash.perUser;
        priceLabel = '秒杀价';
        preferredSkuId = flash.skuId;
      } else if ((mode === 'group_open' || mode === 'group_join') && activity && group) {
        const joinPrice = this.data.openGroups.find((g) => g.groupId === groupId)?.joinPrice;
        skus = groupSkus(product, activity, mode === 'group_join' && joinPrice ? joinPrice : group.openPrice);
        maxQuantity = group.maxQuantity;
        priceLabel = '拼团价';
      }
      this.setData({
        picker: { visible: true, mode, skus, actions: ACTIONS[mode], maxQuantity, priceLabel, preferredSkuId, groupId },
      });
    },
    closePicker() {
      this.setData({ 'picker.visible': false });
    },
    chooseSpecs() {
      this.openPicker('select');
    },
    tapCart() {
      this.openPicker('cart');
    },
    tapBuy() {
      this.openPicker('buy');
    },
    tapFlash() {
      const { flash } = this.data;
      if (!flash?.running) return;
      if (flash.limitReached) {
        void wx.showToast({ title: `每人限购 ${flash.perUser} 件，您已抢购`, icon: 'none' });
        return;
      }
      this.openPicker('flash');
    },
    tapOpenGroup() {
      if (this.data.group?.running) this.openPicker('group_open');
    },
    tapJoinGroup(e: Tap<{ id: string }>) {
      if (this.data.group?.running) this.openPicker('group_join', e.currentTarget.dataset.id);
    },
    /** What is chosen in the product's own SKUs shows on the page (已选). */
    onPickerChange(e: WechatMiniprogram.CustomEvent<PickerDetail>) {
      const mode = this.data.picker.mode;
      if (mode === 'select' || mode === 'cart' || mode === 'buy') {
        const { skuId, text, complete } = e.detail;
        this.setData({ selection: { skuId, text, complete } });
      }
    },
    onPickerConfirm(e: WechatMiniprogram.CustomEvent<PickerDetail>) {
      const { action, skuId, quantity } = e.detail;
      if (action === 'cart') void this.addToCart(skuId, quantity);
      else if (action === 'buy') this.buyNow(skuId, quantity);
      else if (action === 'flash') void this.buyFlash(quantity);
      else if (action === 'group_open' || action === 'group_join') void this.takeSeat(action, skuId, quantity);
    },

    // ---- what the picker confirms ---------------------------------------------------------------------------------

    async addToCart(skuId: string, quantity: number) {
      if (this.data.busy) return;
      this.setData({ busy: true });
      try {
        const cart = await addToCart(this.data.spuId, skuId, quantity, ROUTE);
        this.setData({ cartCount: cart.count, 'picker.visible': false });
        void wx.showToast({
          title: cart.capped ? '库存有限，已按库存加入' : '已加入购物车',
          icon: cart.capped ? 'none' : 'success',
        });
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      } finally {
        this.setData({ busy: false });
      }
    },
    buyNow(skuId: string, quantity: number) {
      this.setData({ 'picker.visible': false });
      // The order-confirm page reads exactly `skuId` and `quantity`.
      openPage(pageUrl(PAGES.orderConfirm, { skuId, quantity }));
    },
    async buyFlash(quantity: number) {
      const { flash } = this.data;
      if (!flash) return;
      const { flashSaleId } = flash;
      await this.submit(async (addressId) => {
        const buy = { flashSaleId, quantity, addressId };
        const attempt = new IdempotentAttempt(pageDataStore(this), FLASH_SALE_ATTEMPT);
        const order = await attempt.send(buy, (idempotencyKey) => buyFlashSale({ ...buy, idempotencyKey }));
        return order.orderId;
      });
    },
    async takeSeat(action: 'group_open' | 'group_join', skuId: string, quantity: number) {
      const { group, picker } = this.data;
      if (!group) return;
      const { activityId } = group;
      const { groupId } = picker;
      await this.submit(async (addressId) => {
        const seat = { skuId, quantity, addressId };
        const attempt = new IdempotentAttempt(pageDataStore(this), GROUP_SEAT_ATTEMPT);
        const taken =
          action === 'group_open'
            ? await attempt.send({ ...seat, activityId }, (idempotencyKey) => openGroup(activityId, { ...seat, idempotencyKey }))
            : await attempt.send({ ...seat, groupId }, (idempotencyKey) => joinGroup(groupId, { ...seat, idempotencyKey }));
        return taken.order.orderId;
      });
    },
    /**
     * A flash-sale buy or a group seat: the default address (the shopper adds one first when there is none), then the
     * route (`place`, with an idempotency key kept for retries of this very purchase), then the order's page to pay it.
     */
    async submit(place: (addressId: string) => Promise<string>) {
      if (this.data.busy) return;
      this.setData({ busy: true });
      try {
        const address = await fetchDefaultAddress();
        if (!address) {
          await this.askForAddress();
          return;
        }
        const orderId = await place(address.addressId);
        this.setData({ 'picker.visible': false });
        openPage(pageUrl(PAGES.orderDetail, { orderId }));
        void this.loadPromotions();
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
        // A refusal (the sale or group may have changed) closes the picker; a failure on the way leaves it for the retry.
        if (!outcomeUnknown(err)) {
          this.setData({ 'picker.visible': false });
          void this.loadPromotions();
        }
      } finally {
        this.setData({ busy: false });
      }
    },
    async askForAddress() {
      const { confirm } = await wx.showModal({
        title: '请先添加收货地址',
        content: '抢购和拼团会直接下单，需要先有一个收货地址',
        confirmText: '去添加',
      });
      if (confirm) openPage(PAGES.addressEdit);
    },

    // ---- the bar -------------------------------------------------------------------------------------------------

    async toggleFavorite() {
      const { spuId, favorite, favoriteBusy } = this.data;
      if (favoriteBusy || !spuId) return;
      this.setData({ favoriteBusy: true });
      try {
        const now = await setFavorite(spuId, !favorite);
        this.setData({ favorite: now });
        void wx.showToast({ title: now ? '已收藏' : '已取消收藏', icon: 'none' });
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      } finally {
        this.setData({ favoriteBusy: false });
      }
    },
    openCart() {
      openPage(PAGES.cart);
    },
    openHome() {
      openPage(PAGES.home);
    },
    openFlashSale() {
      openPage(pageUrl(PAGES.flashSale, { flashSaleId: this.data.flash?.flashSaleId }));
    },
  },
});
