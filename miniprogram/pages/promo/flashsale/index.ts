/** Placeholder of 「限时秒杀」 until its page is built (issue 15). */
Component({});
