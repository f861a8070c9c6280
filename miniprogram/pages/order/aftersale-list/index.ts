/** Placeholder of 「售后」 until its page is built (issue 15). */
Component({});
