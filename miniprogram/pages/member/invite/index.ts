/** Placeholder of 「邀请有礼」 until its page is built (issue 15). */
Component({});
