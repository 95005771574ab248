#!/usr/bin/env -S node --max-semi-space-size=1
// The flag keeps V8's young generation small: a mostly idle server otherwise holds ~35 MB of
// empty semi-space. `npm start` passes the same flag; pass it too when running `node` by hand.
import { main } from '../dist/main.js';

main(process.argv).catch((error) => {
  process.stderr.write(`steward: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
