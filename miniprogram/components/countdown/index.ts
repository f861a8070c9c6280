import { remaining } from '../../utils/time';

/** The interval of each countdown on the page, by instance. */
const timers = new WeakMap<object, number>();
/** Countdowns in the page's tree: only they tick (an answer arriving after the page closed must not start one). */
const shown = new WeakSet<object>();

/**
 * Counts down to a moment the server gave (`target`, an ISO time such as a flash sale's `endAt`), measured against
 * the clock on every tick so it never drifts, and fires `finish` when it reaches zero while shown. TDesign's
 * count-down counts a duration instead; this is the flash-sale bar's: a label and days, hours, minutes, seconds.
 */
Component({
  properties: {
    target: { type: String, value: '' },
    label: { type: String, value: '' },
  },
  data: { days: 0, hours: '00', minutes: '00', seconds: '00', done: true },
  observers: {
    target() {
      this.start();
    },
  },
  lifetimes: {
    attached() {
      shown.add(this);
      this.start();
    },
    detached() {
      shown.delete(this);
      this.stop();
    },
  },
  methods: {
    start() {
      this.stop();
      if (shown.has(this) && !this.tick())
        timers.set(
          this,
          setInterval(() => this.tick(true), 1000),
        );
    },
    stop() {
      const timer = timers.get(this);
      if (timer !== undefined) clearInterval(timer);
      timers.delete(this);
    },
    /** Shows the time left; true once it is over. Only a countdown that was running announces the end. */
    tick(running = false): boolean {
      const at = Date.parse(this.data.target);
      const left = remaining(Number.isNaN(at) ? 0 : at - Date.now());
      this.setData(left);
      if (left.done) {
        this.stop();
        if (running) this.triggerEvent('finish');
      }
      return left.done;
    },
  },
});
