#!/usr/bin/env node
// Offline check of a key-signed Sigstore bundle v0.3 (DSSE, no transparency log, no
// timestamps) with sigstore-js, a verifier written independently of Export Center:
//
//   node verify-bundle.js BUNDLE.json PUBLIC.pem EXPECTED_SUBJECT_SHA256_HEX
//
// Prints "verified" and exits 0 when the signature verifies with the key and the in-toto
// statement names a subject with the expected sha256; otherwise prints the error and exits 1.
// The high-level `sigstore.verify()` always fetches Sigstore's TUF root and wants a timestamp,
// so this uses @sigstore/verify directly with every threshold at 0.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const STATEMENT_TYPES = ['https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v0.1'];

// cosign's key hint: standard base64 of SHA-256 over the SubjectPublicKeyInfo DER.
function keyHint(publicKey) {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(spki).digest('base64');
}

// Trust material with no services at all: the only trust root is the given key.
function trustOnly(publicKey) {
  const expectedHint = keyHint(publicKey);
  const noServices = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  };
  return toTrustMaterial(noServices, (hint) => {
    // The hint is optional in a bundle; when present it must name this key.
    if (hint && hint !== expectedHint) {
      throw new Error(`bundle key hint ${hint} does not match the public key (hint ${expectedHint})`);
    }
    return { publicKey, validFor: () => true };
  });
}

function checkStatement(bundle, expectedSha256) {
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new Error(`payloadType: got ${envelope.payloadType}, want ${IN_TOTO_PAYLOAD_TYPE}`);
  }
  // The payload bytes just verified, decoded once: never a re-serialised copy.
  const statement = JSON.parse(Buffer.from(envelope.payload).toString('utf8'));
  if (!STATEMENT_TYPES.includes(statement._type)) {
    throw new Error(`statement _type: got ${statement._type}, want ${STATEMENT_TYPES[0]}`);
  }
  const subjects = Array.isArray(statement.subject) ? statement.subject : [];
  const found = subjects.some((s) => s && s.digest && s.digest.sha256 === expectedSha256);
  if (!found) {
    const got = subjects.map((s) => (s && s.digest && s.digest.sha256) || '(none)').join(', ');
    throw new Error(`no statement subject has sha256 ${expectedSha256}; got ${got || 'no subjects'}`);
  }
}

function main(argv) {
  if (argv.length !== 3) {
    throw new Error('usage: node verify-bundle.js BUNDLE.json PUBLIC.pem EXPECTED_SUBJECT_SHA256_HEX');
  }
  const [bundlePath, keyPath, expectedSha256] = argv;
  if (!/^[0-9a-f]{64}$/.test(expectedSha256)) {
    throw new Error(`expected sha256 "${expectedSha256}": want 64 lower-case hex characters`);
  }
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const publicKey = crypto.createPublicKey(fs.readFileSync(keyPath, 'utf8'));
  const verifier = new Verifier(trustOnly(publicKey), {
    tlogThreshold: 0,
    ctlogThreshold: 0,
    timestampThreshold: 0,
  });
  verifier.verify(toSignedEntity(bundle)); // throws VerificationError
  checkStatement(bundle, expectedSha256);
}

try {
  main(process.argv.slice(2));
  console.log('verified');
} catch (e) {
  const code = e && e.code ? `${e.code}: ` : '';
  console.error(`verify-bundle: ${code}${e && e.message ? e.message : e}`);
  process.exit(1);
}
