import test from 'ava';
import { closure } from '../admin/size.js';

/** `npm run size:admin` counts a chunk with everything it imports statically, each file once, dynamic imports not. */
test('a chunk’s closure follows static imports once and leaves lazy routes out', (t) => {
  const manifest = {
    'index.html': { file: 'assets/index.js', isEntry: true, imports: ['_vue.js'], css: ['assets/index.css'] },
    '_vue.js': { file: 'assets/vue.js' },
    'src/pages/SignInPage.vue': { file: 'assets/SignIn.js', imports: ['_vue.js', '_form.js'] },
    '_form.js': { file: 'assets/form.js', imports: ['_vue.js'], css: ['assets/form.css'] },
    'src/pages/DashboardPage.vue': { file: 'assets/Dashboard.js', imports: ['_echarts.js'] },
    '_echarts.js': { file: 'assets/echarts.js' },
  };
  t.deepEqual([...closure(manifest, ['index.html', 'src/pages/SignInPage.vue'])].sort(), [
    'assets/SignIn.js',
    'assets/form.css',
    'assets/form.js',
    'assets/index.css',
    'assets/index.js',
    'assets/vue.js',
  ]);
  t.throws(() => closure(manifest, ['src/pages/Missing.vue']), { message: /not in the manifest/ });
});
