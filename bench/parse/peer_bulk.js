// peer_bulk.js ROUNDS < list - dockerfile-ast in one process: parse every
// listed file ROUNDS times and print MB/s, like bench_parse.c does for hoist.
const fs = require('fs');
const { DockerfileParser } = require(process.env.DFAST_MODULE || 'dockerfile-ast');
const rounds = parseInt(process.argv[2] || '20', 10);
const files = fs.readFileSync(0, 'utf8').split('\n').filter(Boolean);
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
const bytes = files.reduce((s, f) => s + fs.statSync(f).size, 0);
let n = 0;
const t0 = process.hrtime.bigint();
for (let r = 0; r < rounds; r++) {
  for (const t of texts) {
    const df = DockerfileParser.parse(t);
    for (const ins of df.getInstructions()) n += ins.getArguments().length;
  }
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`files=${files.length} bytes=${bytes} rounds=${rounds} seconds=${secs.toFixed(3)} mb_per_s=${(bytes * rounds / 1e6 / secs).toFixed(1)} args=${n}`);
