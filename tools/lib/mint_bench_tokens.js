// Mints the JWTs that tools/bench sends to its jwt routes, with jsonwebtoken from
// test/integration/node_modules (tools/setup installs it).
//   node tools/lib/mint_bench_tokens.js FOLDER COUNT
// writes into FOLDER: hs256.secret, rs256.pub (PEM), and hs256.tokens / rs256.tokens with COUNT
// distinct tokens each, one a line. The issuer (`iss`, the jwt plugin's default key claim) is the
// credential key "bench-hs256" or "bench-rs256"; `sub` makes every token distinct.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const jwt = require(path.join(__dirname, '../../test/integration/node_modules/jsonwebtoken'));

function main() {
  const [folder, countText] = process.argv.slice(2);
  const count = Number(countText);
  if (!folder || !Number.isInteger(count) || count < 1) {
    console.error('usage: mint_bench_tokens.js FOLDER COUNT');
    process.exit(2);
  }
  const secret = crypto.randomBytes(32).toString('hex');
  const pair = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  // A day ahead: the verified-token cache keeps a token until its exp.
  const exp = Math.floor(Date.now() / 1000) + 86400;
  const mint = (alg, key, iss) => {
    const tokens = [];
    for (let i = 0; i < count; i++) {
      tokens.push(jwt.sign({ iss, sub: `user-${i}`, exp }, key, { algorithm: alg }));
    }
    return tokens.join('\n') + '\n';
  };
  fs.writeFileSync(path.join(folder, 'hs256.secret'), secret);
  fs.writeFileSync(path.join(folder, 'rs256.pub'), pair.publicKey);
  fs.writeFileSync(path.join(folder, 'hs256.tokens'), mint('HS256', secret, 'bench-hs256'));
  fs.writeFileSync(path.join(folder, 'rs256.tokens'), mint('RS256', pair.privateKey, 'bench-rs256'));
}

main();
