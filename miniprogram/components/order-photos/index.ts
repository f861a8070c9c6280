import { isPrivacyRefusal } from '../../services/privacy';

type IndexEvent = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { index: number }>;

/**
 * Photos for a review or an after-sale request: the picked ones (local paths, uploaded by the page when it sends) with
 * a remove button each, and an add tile up to `max` (`wx.chooseMedia`). Picking photos is privacy-sensitive: the page
 * holds a `<privacy-popup />` that asks the shopper first; a refusal picks nothing and says why. Fires `change` with
 * `files`.
 */
Component({
  properties: {
    files: { type: Array, value: [] as string[] },
    max: { type: Number, value: 9 },
  },
  methods: {
    async add() {
      const { files, max } = this.data;
      const left = max - files.length;
      if (left <= 0) return;
      try {
        const chosen = await wx.chooseMedia({
          count: left,
          mediaType: ['image'],
          sizeType: ['compressed'],
          sourceType: ['album', 'camera'],
        });
        const picked = chosen.tempFiles.map((f) => f.tempFilePath);
        this.triggerEvent('change', { files: [...files, ...picked].slice(0, max) });
      } catch (err) {
        if (isPrivacyRefusal(err)) void wx.showToast({ title: '同意隐私保护指引后才能上传图片', icon: 'none' });
        // Otherwise the shopper closed the picker: nothing to say.
      }
    },
    remove(e: IndexEvent) {
      const index = Number(e.currentTarget.dataset.index);
      this.triggerEvent('change', { files: this.data.files.filter((_, i) => i !== index) });
    },
  },
});
