/** Placeholder of 「浏览足迹」 until its page is built (issue 15). */
Component({});
