/** Placeholder of 「拼团」 until its page is built (issue 15). */
Component({});
