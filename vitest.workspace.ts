// The Node-run test projects. Vitest 4 no longer reads this file by itself:
// vitest.config.ts imports it into `test.projects`.
export default [
  {
    extends: true,
    test: { name: 'core', include: ['packages/core/src/**/*.test.ts'] },
  },
];
