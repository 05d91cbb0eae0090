#!/usr/bin/env node
// The repository runs on one Backstage release, backstage.json's, which is also the suite's minimum
// (README, "Compatibility"). The root resolutions pin every @backstage package to that release's
// version; every workspace package asks for exactly that version with ^ (an exact pin may stay
// exact), so the published packages install on that release and every later one with the same
// majors. Exits 1 naming each package and dependency that disagrees.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const read = file => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const release = read('backstage.json').version;
const rootPkg = read('package.json');
const pins = Object.fromEntries(
  Object.entries(rootPkg.resolutions ?? {}).filter(([name]) =>
    name.startsWith('@backstage/'),
  ),
);

const problems = [];
const manifests = ['package.json'];
for (const pattern of rootPkg.workspaces) {
  const parent = pattern.replace(/\/\*$/, '');
  for (const dir of fs.readdirSync(path.join(root, parent)).sort()) {
    const file = path.join(parent, dir, 'package.json');
    if (fs.existsSync(path.join(root, file))) manifests.push(file);
  }
}
for (const file of manifests) {
  const pkg = read(file);
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (!name.startsWith('@backstage/')) continue;
      const pin = pins[name];
      if (!pin) {
        problems.push(`${file}: ${name} has no pin in the root resolutions`);
      } else if (range !== `^${pin}` && range !== pin) {
        problems.push(
          `${file}: ${name} is ${range}, Backstage ${release} has ${pin} (use ^${pin})`,
        );
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`Not on Backstage ${release}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`${manifests.length} package.json files on Backstage ${release}`);
