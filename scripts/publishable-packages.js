#!/usr/bin/env node
// Prints the directory of every publishable package, one a line: each workspace package that is not
// private. The API and knip reports (scripts/reports.sh) and scripts/check-install.sh use this list.
// The repository is this script's, or the one given as the first argument.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
const { workspaces } = require(path.join(root, 'package.json'));

for (const pattern of workspaces) {
  const parent = pattern.replace(/\/\*$/, '');
  const dirs = fs.existsSync(path.join(root, parent))
    ? fs.readdirSync(path.join(root, parent)).sort()
    : [];
  for (const dir of dirs) {
    const manifest = path.join(root, parent, dir, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    if (!pkg.private) console.log(`${parent}/${dir}`);
  }
}
