#!/usr/bin/env -S node --max-semi-space-size=4 --max-old-space-size=128
// The CLI runs the compiled sources (npm ci builds them through the `prepare` script).
// The V8 flags above bound resident memory: `send` streams millions of short-lived objects through a bounded
// pipeline, and V8's defaults let the heap grow far beyond what is live. `npm run bench` measures the result.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
