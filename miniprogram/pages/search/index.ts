/** Placeholder of 「搜索」 until its page is built (issue 15). */
Component({});
