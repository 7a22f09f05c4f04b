// bench/lint/peers.js - lint every file of a corpus with dockerfilelint and
// dockerfile-utils, in one node process each (the peers' fastest path: no
// per-file process start).   node peers.js dockerfilelint|dockerfile-utils DIR
'use strict';
const fs = require('fs');
const path = require('path');
const [, , which, dir] = process.argv;
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.Dockerfile')).sort();
let findings = 0;
if (which === 'dockerfilelint') {
  const lint = require('dockerfilelint');
  for (const f of files) findings += lint.run(dir, fs.readFileSync(path.join(dir, f), 'utf8')).length;
} else if (which === 'dockerfile-utils') {
  const utils = require('dockerfile-utils');
  for (const f of files) findings += utils.validate(fs.readFileSync(path.join(dir, f), 'utf8')).length;
} else {
  console.error('unknown peer ' + which);
  process.exit(2);
}
console.log(files.length + ' files, ' + findings + ' findings');
