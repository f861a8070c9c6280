/** Placeholder of 「我的拼团」 until its page is built (issue 15). */
Component({});
