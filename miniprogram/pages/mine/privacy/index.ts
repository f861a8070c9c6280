/** Placeholder of 「隐私政策」 until its page is built (issue 15). */
Component({});
