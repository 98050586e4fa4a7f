#!/usr/bin/env -S node --max-semi-space-size=4 --max-old-space-size=128
// The CLI runs the compiled sources: the package ships them in dist/; a clone of the repository compiles them
// here on first use (dist/.built absent), as `npm start` and `npm test` do, since `npm ci` builds nothing.
// The V8 flags above bound resident memory: `send` streams millions of short-lived objects through a bounded
// pipeline, and V8's defaults let the heap grow far beyond what is live. `npm run bench` measures the result.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const build = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url));
if (existsSync(build) && !existsSync(fileURLToPath(new URL('../dist/.built', import.meta.url)))) {
  // The compiler's output goes to stderr: stdout is the command's answer.
  const built = spawnSync(process.execPath, [build], { stdio: ['ignore', 2, 2] });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const { main } = await import('../dist/cli/main.js');

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
