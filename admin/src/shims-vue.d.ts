// For the .ts files ESLint reads with TypeScript alone; vue-tsc (npm run typecheck) checks the components themselves.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
