#!/usr/bin/env node
// The CLI runs the compiled sources (npm ci builds them through the `prepare` script).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
