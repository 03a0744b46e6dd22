#!/usr/bin/env node
// CommonJS (bin/package.json): the start needs no ES module loader. src/cli/boot.ts says the rest.
require('../dist/app/boot.cjs')
  .boot(process.argv.slice(2))
  .catch((error) => {
    process.stderr.write(`fatal: ${String(error)}\n`);
    process.exitCode = 1;
  });
