#!/usr/bin/env node
// A solc-compatible command line over solc-js, for machines where no native solc
// can be downloaded. py-solc-x (and so brownie) only needs two calls of solc:
//   solc --version                 -> prints "Version: <full version>"
//   solc --standard-json [...]     -> standard JSON in on stdin, out on stdout
// Flags that only steer native file access (--allow-paths, --base-path, ...) are
// honoured by the import callback below, which reads files from disk.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

function parseArgs(argv) {
  const opts = { version: false, standardJson: false, allowPaths: [], basePath: process.cwd(), includePaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    if (arg === '--version') opts.version = true;
    else if (arg === '--standard-json') opts.standardJson = true;
    else if (arg === '--allow-paths') opts.allowPaths.push(...value().split(','));
    else if (arg.startsWith('--allow-paths=')) opts.allowPaths.push(...arg.slice(14).split(','));
    else if (arg === '--base-path') opts.basePath = value();
    else if (arg.startsWith('--base-path=')) opts.basePath = arg.slice(12);
    else if (arg === '--include-path') opts.includePaths.push(value());
    else if (arg.startsWith('--include-path=')) opts.includePaths.push(arg.slice(15));
    else {
      process.stderr.write(`solc.js: unsupported argument ${arg}\n`);
      process.exit(2);
    }
  }
  return opts;
}

function importCallback(opts) {
  const roots = [opts.basePath, ...opts.includePaths, ...opts.allowPaths, process.cwd()];
  return (requested) => {
    const candidates = path.isAbsolute(requested) ? [requested] : roots.map((root) => path.resolve(root, requested));
    for (const candidate of candidates) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return { contents: fs.readFileSync(candidate, 'utf8') };
      }
    }
    return { error: `File not found: ${requested} (searched ${candidates.join(', ')})` };
  };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.version) {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    return;
  }
  if (!opts.standardJson) {
    process.stderr.write('solc.js: only --version and --standard-json are supported\n');
    process.exit(2);
  }
  const input = fs.readFileSync(0, 'utf8');
  process.stdout.write(solc.compile(input, { import: importCallback(opts) }));
}

main();
