// peer_one.js FILE - dockerfile-ast parses one file, one process per file
// (the peer side of bench/parse/run.sh). Walks the instructions and their
// arguments so lazily computed parts are really computed.
const fs = require('fs');
const { DockerfileParser } = require(process.env.DFAST_MODULE || 'dockerfile-ast');
const df = DockerfileParser.parse(fs.readFileSync(process.argv[2], 'utf8'));
let n = 0;
for (const ins of df.getInstructions()) {
  n += ins.getArguments().length + ins.getKeyword().length;
}
if (n < 0) console.log(n);
