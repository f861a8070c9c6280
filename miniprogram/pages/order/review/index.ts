/** Placeholder of 「发表评价」 until its page is built (issue 15). */
Component({});
