/** Placeholder of the 「我的」 tab until its page is built (issue 15). */
Component({});
