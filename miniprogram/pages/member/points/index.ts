/** Placeholder of 「积分明细」 until its page is built (issue 15). */
Component({});
