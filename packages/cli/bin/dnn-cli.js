#!/usr/bin/env node
// The command's entry. It exists before the build, so that `npm install` in a
// fresh clone links the command; the bundled program is dist/cli.js.
import '../dist/cli.js';
