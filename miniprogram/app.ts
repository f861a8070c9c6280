import { initBackend } from './services/call';
import { flushEvents } from './services/tracker';

App({
  onLaunch() {
    initBackend();
  },
  onHide() {
    void flushEvents();
  },
});
