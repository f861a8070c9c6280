/** Placeholder of 「售后详情」 until its page is built (issue 15). */
Component({});
