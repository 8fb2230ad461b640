#!/usr/bin/env node
// The `latchkey` bin. npm links a bin only if its target exists when it installs, and
// dist/ is built after that (by the root's `prepare`), so the bin cannot point into dist/:
// this committed file is the target, and it runs the built command.
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli.js')) throw error;
  process.stderr.write('latchkey: the command is not built yet: run "npm run build" at the repository root\n');
  process.exitCode = 1;
}
