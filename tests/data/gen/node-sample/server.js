// server.js - hoist init's Node sample: answers every request with a greeting.
const http = require("node:http");

const port = process.env.PORT || 3000;
http
  .createServer((req, res) => res.end("hello from the node sample\n"))
  .listen(port);
