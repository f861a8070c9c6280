/** Placeholder of 「个人资料」 until its page is built (issue 15). */
Component({});
