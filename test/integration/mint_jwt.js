// Mints JWTs for test_jwt.py with third-party libraries: jsonwebtoken for HS/RS/PS/ES, jose for
// EdDSA (jsonwebtoken has none). Reads one JSON request on stdin, writes one JSON answer:
//   {"op": "keys", "names": {"rsa": {"type": "rsa", "modulusLength": 2048}, ...}}
//       -> {"rsa": {"private": PEM, "public": PEM}, ...}
//   {"op": "mint", "tokens": [{"alg", "key", "payload", "header"}]} -> ["<jwt>", ...]
//   {"op": "jwk", "keys": {"name": PUBLIC_PEM, ...}} -> {"name": JWK, ...}
'use strict';

const crypto = require('crypto');
const jwt = require('jsonwebtoken');
const jose = require('jose');

function generate(spec) {
  const { type, ...options } = spec;
  const pair = crypto.generateKeyPairSync(type, {
    ...options,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { private: pair.privateKey, public: pair.publicKey };
}

async function mint(request) {
  const header = request.header || {};
  if (request.alg === 'EdDSA') {
    const key = await jose.importPKCS8(request.key, 'EdDSA');
    return new jose.SignJWT(request.payload)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', ...header })
      .sign(key);
  }
  return jwt.sign(request.payload, request.alg === 'none' ? '' : request.key, {
    algorithm: request.alg,
    header: { alg: request.alg, typ: 'JWT', ...header },
    noTimestamp: true,
  });
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  let answer;
  if (request.op === 'keys') {
    answer = {};
    for (const [name, spec] of Object.entries(request.names)) {
      answer[name] = generate(spec);
    }
  } else if (request.op === 'mint') {
    answer = [];
    for (const token of request.tokens) {
      answer.push(await mint(token));
    }
  } else if (request.op === 'jwk') {
    answer = {};
    for (const [name, pem] of Object.entries(request.keys)) {
      answer[name] = crypto.createPublicKey(pem).export({ format: 'jwk' });
    }
  } else {
    throw new Error(`unknown op ${request.op}`);
  }
  process.stdout.write(JSON.stringify(answer));
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
