/** Placeholder of the 「购物车」 tab until its page is built (issue 15). */
Component({});
