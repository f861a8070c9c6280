/** Placeholder of 「我的收藏」 until its page is built (issue 15). */
Component({});
