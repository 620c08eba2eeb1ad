#!/usr/bin/env node
// Refreshes a TUF repository with tuf-js 5 (Node 20) and downloads one target: the
// independent client Export Center's TUF output is checked against.
//
//   node refresh.js METADATA_URL TARGETS_URL TRUSTED_ROOT_JSON CACHE_DIR TARGET_NAME OUT_FILE
//
// CACHE_DIR/metadata is tuf-js's trusted-metadata directory: TRUSTED_ROOT_JSON is copied there
// as root.json only when it holds none yet, so running twice with the same CACHE_DIR keeps
// what the first run trusted (how rollback attacks are tested). Prints "ok" and exits 0, or
// prints "<ErrorClass>: <message>" and exits 1 (2 on bad usage).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { Updater } = require('tuf-js');

async function main(argv) {
  if (argv.length !== 6) {
    console.log('usage: node refresh.js METADATA_URL TARGETS_URL TRUSTED_ROOT_JSON CACHE_DIR ' +
                'TARGET_NAME OUT_FILE');
    return 2;
  }
  const [metadataBaseUrl, targetBaseUrl, trustedRoot, cacheDir, targetName, outFile] = argv;
  const metadataDir = path.join(cacheDir, 'metadata');
  const targetDir = path.join(cacheDir, 'targets');
  fs.mkdirSync(metadataDir, { recursive: true });
  fs.mkdirSync(targetDir, { recursive: true });
  const anchor = path.join(metadataDir, 'root.json');
  if (!fs.existsSync(anchor)) fs.copyFileSync(trustedRoot, anchor);

  // fetchRetry 0: a broken repository should fail once, not three times.
  const updater = new Updater({
    metadataBaseUrl, metadataDir, targetBaseUrl, targetDir, config: { fetchRetry: 0 },
  });
  await updater.refresh();
  const info = await updater.getTargetInfo(targetName);
  if (!info) throw new Error(`target ${targetName} is not listed by any trusted role`);
  await updater.downloadTarget(info, outFile);
  console.log('ok');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    // tuf-js's error classes do not set `name`; the class is the useful part.
    const kind =
      err.constructor && err.constructor.name !== 'Object' ? err.constructor.name : err.name;
    console.log(`${kind}: ${err.message}`);
    process.exit(1);
  });
