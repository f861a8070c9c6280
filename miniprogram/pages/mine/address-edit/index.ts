/** Placeholder of 「编辑地址」 until its page is built (issue 15). */
Component({});
