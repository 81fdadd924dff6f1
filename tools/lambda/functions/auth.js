'use strict';
// The walkthrough's authentication service. Reads {email, password} from whichever event shape
// the gateway sends (the raw body as parsed JSON, Kong's forward_request_body event, or an API
// Gateway event) and answers {statusCode: 200, body: <JWT>} or {statusCode: 401}. The JWT is
// HS256 with the consumer's jwt credential: `kid` (the jwt plugin's key_claim_name in the demo)
// names the credential's key and JWT_SECRET signs it.
const jwt = require('jsonwebtoken');

const USERS = [
  { email: 'ada@example.com', password: 'lovelace', name: 'Ada Lovelace', admin: true },
  { email: 'grace@example.com', password: 'hopper', name: 'Grace Hopper', admin: false },
];
const TOKEN_LIFETIME_S = 3600;

function decode(text, isBase64) {
  return JSON.parse(isBase64 ? Buffer.from(text, 'base64').toString('utf8') : text);
}

function credentialsOf(event) {
  if (typeof event.request_body === 'string') {
    return decode(event.request_body, event.request_body_base64 === true);
  }
  if (typeof event.body === 'string') {
    return decode(event.body, event.isBase64Encoded === true);
  }
  return event;
}

exports.handler = async (event) => {
  let credentials;
  try {
    credentials = credentialsOf(event || {});
  } catch {
    return { statusCode: 400 };
  }
  const user = USERS.find(
    (u) => credentials && u.email === credentials.email && u.password === credentials.password,
  );
  if (!user) {
    return { statusCode: 401 };
  }
  const key = process.env.JWT_KEY;
  const token = jwt.sign(
    { sub: user.email, name: user.name, admin: user.admin, kid: key },
    process.env.JWT_SECRET,
    { algorithm: 'HS256', keyid: key, expiresIn: TOKEN_LIFETIME_S },
  );
  return { statusCode: 200, body: token };
};
