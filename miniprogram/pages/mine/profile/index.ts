import type { Profile } from '../../../../typings/user';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { messageOf, ServiceError } from '../../../services/errors';
import { requirePrivacy } from '../../../services/privacy';
import { fetchProfile, updateProfile, uploadAvatar } from '../../../services/user';
import { formatDay } from '../../../utils/member-format';

/**
 * 个人资料: the avatar from WeChat's avatar picker (`<button open-type="chooseAvatar">`: a temporary file, uploaded to
 * cloud storage under `avatars/`, then `profile.update` with its fileID) and the nickname (`<input type="nickname">`,
 * saved with `profile.update`). Nothing else about the shopper is asked for.
 */

type Status = 'loading' | 'ready' | 'error';

const NICKNAME_MAX = 20;

Component({
  behaviors: [reloadable],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    avatarUrl: '',
    initial: '',
    displayName: '',
    nickname: '',
    savedNickname: '',
    memberSince: '',
    uploading: false,
    saving: false,
  },
  methods: {
    onLoad() {
      void this.load();
    },

    async load() {
      await loadShown(this, false, async () => this.show(await fetchProfile()));
    },
    show(profile: Profile) {
      this.setData({
        status: 'ready',
        avatarUrl: profile.avatarUrl ?? '',
        initial: profile.displayName.slice(0, 1),
        displayName: profile.displayName,
        nickname: profile.nickname ?? '',
        savedNickname: profile.nickname ?? '',
        memberSince: formatDay(profile.memberSince),
      });
    },

    /**
     * The picker's file is a temporary path. WeChat asks for the privacy agreement before the picker opens; asking
     * again here (at once when agreed) makes sure nothing is uploaded without it.
     */
    async onChooseAvatar(e: WechatMiniprogram.CustomEvent<{ avatarUrl?: string }>) {
      const path = e.detail.avatarUrl;
      if (!path || this.data.uploading) return;
      if (!(await requirePrivacy())) {
        void wx.showToast({ title: '未同意隐私保护指引，头像未更换', icon: 'none' });
        return;
      }
      this.setData({ uploading: true });
      try {
        const fileID = await uploadAvatar(path).catch(() => {
          throw new ServiceError('NETWORK', '头像上传失败，请重试');
        });
        this.show(await updateProfile({ avatarUrl: fileID }));
        void wx.showToast({ title: '头像已更新', icon: 'success' });
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      } finally {
        this.setData({ uploading: false });
      }
    },

    /** `type="nickname"` fills the field from WeChat's suggestion or the keyboard; both end in these events. */
    onNickname(e: WechatMiniprogram.Input) {
      this.setData({ nickname: e.detail.value });
    },

    async saveNickname() {
      if (this.data.saving) return;
      const nickname = this.data.nickname.trim();
      const problem = !nickname ? '昵称不能为空' : nickname.length > NICKNAME_MAX ? `昵称最多 ${NICKNAME_MAX} 个字` : '';
      if (problem) {
        void wx.showToast({ title: problem, icon: 'none' });
        return;
      }
      if (nickname === this.data.savedNickname) {
        void wx.showToast({ title: '昵称未修改', icon: 'none' });
        return;
      }
      this.setData({ saving: true });
      try {
        this.show(await updateProfile({ nickname }));
        void wx.showToast({ title: '昵称已保存', icon: 'success' });
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
