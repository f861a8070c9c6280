/** Placeholder of 「领券中心」 until its page is built (issue 15). */
Component({});
