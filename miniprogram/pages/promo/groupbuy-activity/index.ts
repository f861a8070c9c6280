/** Placeholder of 「拼团活动」 until its page is built (issue 15). */
Component({});
