import type { KeptProduct } from '../../../typings/user';
import { loadShown, reloadable } from '../../behaviors/reloadable';
import { messageOf } from '../../services/errors';
import { clearFootprints, fetchKept, type KeptKind, removeKept } from '../../services/user';
import { formatDateTime } from '../../utils/member-format';
import { canLoadMore, type More, pagePatch } from '../../utils/paging';
import { openPage } from '../../utils/navigation';
import { PAGES, pageUrl } from '../../utils/pages';

/**
 * 我的收藏 and 浏览足迹 are one page over two lists (`user.favorites.*`, `user.footprints.*`): products a page at a
 * time, those off the shelf greyed (they cannot be opened), an edit mode to pick several and remove them, and for
 * footprints 清空. Each page's index.ts calls `keptPage` with its list.
 */

type Status = 'loading' | 'ready' | 'error';

const PAGE_SIZE = 20;

interface Row {
  spuId: string;
  title: string;
  image: string;
  minPrice: number;
  maxPrice: number;
  onShelf: boolean;
  at: string;
  selected: boolean;
}

const TEXTS: Record<KeptKind, { empty: string; at: string; removeTitle: string }> = {
  favorites: { empty: '还没有收藏的商品', at: '收藏于', removeTitle: '取消收藏' },
  footprints: { empty: '最近没有浏览记录', at: '浏览于', removeTitle: '删除足迹' },
};

function rowOf(p: KeptProduct, kind: KeptKind): Row {
  return {
    spuId: p.spuId,
    title: p.title,
    image: p.image,
    minPrice: p.minPrice,
    maxPrice: p.maxPrice,
    onShelf: p.onShelf,
    at: `${TEXTS[kind].at} ${formatDateTime(p.at)}`,
    selected: false,
  };
}

type IdEvent = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>;

export function keptPage(kind: KeptKind): void {
  Component({
    behaviors: [reloadable],
    data: {
      kind,
      empty: TEXTS[kind].empty,
      status: 'loading' as Status,
      errorMessage: '',
      rows: [] as Row[],
      cursor: '',
      more: 'idle' as More,
      moreError: '',
      editing: false,
      selectedCount: 0,
      busy: false,
    },
    methods: {
      onLoad() {
        void this.load();
      },
      /** Back from a product (a favorite added or removed there): the list again, unless the shopper is editing. */
      onShow() {
        if (this.data.status === 'ready' && !this.data.editing) void this.load(true);
      },
      onReachBottom() {
        void this.loadMore();
      },

      async load(keep = false) {
        await loadShown(this, keep, async () => {
          const page = await fetchKept(kind, undefined, PAGE_SIZE);
          const rows = page.items.map((p) => rowOf(p, kind));
          this.setData({
            status: 'ready',
            selectedCount: 0,
            ...pagePatch('rows', 0, { rows, nextCursor: page.nextCursor }, true),
          });
        });
      },
      async loadMore() {
        const { status, more, cursor, rows } = this.data;
        if (!canLoadMore(status, more)) return;
        this.setData({ more: 'loading' });
        try {
          const page = await fetchKept(kind, cursor || undefined, PAGE_SIZE);
          const fresh = page.items.map((p) => rowOf(p, kind));
          this.setData(pagePatch('rows', rows.length, { rows: fresh, nextCursor: page.nextCursor }, false));
        } catch (err) {
          this.setData({ more: 'error', moreError: messageOf(err) });
        }
      },

      tapItem(e: IdEvent) {
        const { id } = e.currentTarget.dataset;
        const index = this.data.rows.findIndex((r) => r.spuId === id);
        const row = this.data.rows[index];
        if (!row) return;
        if (this.data.editing) {
          this.setData({
            [`rows[${index}].selected`]: !row.selected,
            selectedCount: this.data.selectedCount + (row.selected ? -1 : 1),
          });
        } else if (row.onShelf) {
          openPage(pageUrl(PAGES.productDetail, { spuId: row.spuId }));
        } else {
          void wx.showToast({ title: '商品已下架', icon: 'none' });
        }
      },
      toggleEditing() {
        const editing = !this.data.editing;
        this.setData({ editing, selectedCount: 0, rows: this.data.rows.map((r) => ({ ...r, selected: false })) });
      },
      toggleAll() {
        const all = this.data.selectedCount < this.data.rows.length;
        this.setData({
          selectedCount: all ? this.data.rows.length : 0,
          rows: this.data.rows.map((r) => ({ ...r, selected: all })),
        });
      },

      async removeSelected() {
        const ids = this.data.rows.filter((r) => r.selected).map((r) => r.spuId);
        if (!ids.length || this.data.busy) return;
        const { confirm } = await wx.showModal({
          title: TEXTS[kind].removeTitle,
          content: `确定删除选中的 ${ids.length} 件商品吗？`,
          confirmText: '删除',
        });
        if (!confirm) return;
        this.setData({ busy: true });
        try {
          await removeKept(kind, ids);
          const gone = new Set(ids);
          const rows = this.data.rows.filter((r) => !gone.has(r.spuId));
          this.setData({ rows, selectedCount: 0, editing: rows.length > 0 });
          void wx.showToast({ title: '已删除', icon: 'success' });
          // Everything shown was removed but more exist: show the next ones.
          if (!rows.length && this.data.more !== 'done') void this.load(true);
        } catch (err) {
          void wx.showToast({ title: messageOf(err), icon: 'none' });
        } finally {
          this.setData({ busy: false });
        }
      },
      async clearAll() {
        if (kind !== 'footprints' || this.data.busy) return;
        const { confirm } = await wx.showModal({ title: '清空足迹', content: '确定清空全部浏览足迹吗？', confirmText: '清空' });
        if (!confirm) return;
        this.setData({ busy: true });
        try {
          await clearFootprints();
          this.setData({ rows: [], cursor: '', more: 'done', editing: false, selectedCount: 0 });
          void wx.showToast({ title: '已清空', icon: 'success' });
        } catch (err) {
          void wx.showToast({ title: messageOf(err), icon: 'none' });
        } finally {
          this.setData({ busy: false });
        }
      },
      goShopping() {
        openPage(PAGES.home);
      },
    },
  });
}
