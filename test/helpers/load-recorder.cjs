// Preloaded with `node --require` by test/e2e/startup.test.ts: at exit, writes what the process
// loaded to $LOAD_RECORD as JSON: the files loaded through require (packages, bin, boot), Node's
// built-in modules, and which of pre-incasso's own modules the bundle evaluated.
'use strict';
const fs = require('node:fs');

globalThis.__preIncassoLoaded = [];
process.on('exit', () => {
  fs.writeFileSync(
    process.env.LOAD_RECORD,
    JSON.stringify({
      files: Object.keys(require.cache).filter((f) => f !== __filename),
      builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)),
      own: globalThis.__preIncassoLoaded,
    }),
  );
});
