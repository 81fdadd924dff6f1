// The Lambda Invoke API's front door for Portico's tests and demo: checks each request's SigV4
// signature with the AWS SDK for JavaScript v3's own signer (@smithy/signature-v4), recomputed
// from the bytes received, then passes verified invocations to serverless-offline.
//
// What it answers, as AWS does:
//   a bad or missing signature      403, x-amzn-ErrorType InvalidSignatureException (or
//                                   MissingAuthenticationTokenException,
//                                   IncompleteSignatureException, or
//                                   UnrecognizedClientException for an unknown key or token)
//   a body over 6 MiB               413 RequestTooLargeException
//   X-Amz-Invocation-Type: DryRun   204 (serverless-offline has no DryRun)
//   anything else                   serverless-offline's answer, plus x-amzn-RequestId,
//                                   X-Amz-Executed-Version and, for log type Tail, X-Amz-Log-Result
// A function named by ARN, partial ARN or name:qualifier is invoked by its plain name (the
// emulator knows no ARNs); the qualifier it carried is recorded.
//
// Control endpoints: GET /__verifier/health, GET /__verifier/log (every request's verdict, path
// as received, headers, qualifier, body start), DELETE /__verifier/log.
//
// Run alone: VERIFIER_PORT=9100 EMULATOR_URL=http://127.0.0.1:9101 node sigv4-verifier.mjs
// (start.mjs starts it together with serverless-offline).
import crypto from 'node:crypto';
import http from 'node:http';
import { pathToFileURL } from 'node:url';

import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

// The example keys of AWS's documentation; the demo and the tests configure the gateway with them.
export const DEFAULT_KEYS = {
  AKIDEXAMPLE: { secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
};
const MAX_BODY = 6 * 1024 * 1024;
const MAX_SKEW_MS = 5 * 60 * 1000;
const LOGGED_BODY = 64 * 1024;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
// arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>], the same without
// arn:...:<region>: (a partial ARN), or <name>:<qualifier>.
const FUNCTION_FORMS = [
  /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_.-]+)(?::([A-Za-z0-9_$.-]+))?$/,
  /^\d{12}:function:([A-Za-z0-9_.-]+)(?::([A-Za-z0-9_$.-]+))?$/,
  /^([A-Za-z0-9_.-]+)(?::([A-Za-z0-9_$.-]+))?$/,
];
const NOT_FORWARDED = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect',
  'authorization'];

class Rejection extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

const signatureError = (message) => new Rejection(403, 'InvalidSignatureException', message);

// Lower-case names, repeated headers joined with "," (what SigV4 signs), from the raw header list.
function receivedHeaders(request) {
  const headers = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i].toLowerCase();
    const value = request.rawHeaders[i + 1];
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}

function parseAuthorization(value) {
  const match = /^AWS4-HMAC-SHA256 (.+)$/.exec(value);
  if (!match) {
    throw new Rejection(403, 'IncompleteSignatureException',
      `Authorization header requires the AWS4-HMAC-SHA256 algorithm: ${value}`);
  }
  const fields = {};
  for (const part of match[1].split(',')) {
    const [name, ...rest] = part.trim().split('=');
    fields[name] = rest.join('=');
  }
  const scope = (fields.Credential || '').split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !fields.SignedHeaders ||
      !/^[0-9a-f]{64}$/.test(fields.Signature || '')) {
    throw new Rejection(403, 'IncompleteSignatureException',
      `Authorization header requires Credential, SignedHeaders and Signature: ${value}`);
  }
  const [accessKeyId, date, region, service] = scope;
  return {
    accessKeyId, date, region, service,
    signedHeaders: fields.SignedHeaders.split(';'),
    signature: fields.Signature,
  };
}

function parseAmzDate(value) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value || '');
  if (!m) {
    throw new Rejection(403, 'IncompleteSignatureException',
      `X-Amz-Date must be in the form YYYYMMDDTHHMMSSZ, got: ${value}`);
  }
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

// Decoded query parameters, as the signer wants them (it encodes them again, as AWS does).
function parseQuery(raw) {
  const query = {};
  for (const pair of raw.split('&')) {
    if (!pair) {
      continue;
    }
    const at = pair.indexOf('=');
    const name = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? '' : decodeURIComponent(pair.slice(at + 1));
    query[name] = name in query ? [].concat(query[name], value) : value;
  }
  return query;
}

function splitTarget(target) {
  const at = target.indexOf('?');
  return at < 0 ? [target, ''] : [target.slice(0, at), target.slice(at + 1)];
}

export class Verifier {
  constructor({ emulatorUrl, keys = DEFAULT_KEYS, region = 'us-east-1', service = 'lambda' }) {
    this.emulator = new URL(emulatorUrl);
    this.keys = keys;
    this.region = region;
    this.service = service;
    this.log = [];
    this.server = http.createServer((request, response) => this.handle(request, response));
  }

  listen(port) {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve(this.server.address().port));
    });
  }

  close() {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(resolve));
  }

  handle(request, response) {
    if (request.url.startsWith('/__verifier/')) {
      this.control(request, response);
      return;
    }
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY) {
        chunks.push(chunk);
      }
    });
    request.on('end', () => {
      this.invoke(request, Buffer.concat(chunks), size, response).catch((error) => {
        reply(response, 500, 'ServiceException', `verifier failure: ${error.stack || error}`);
      });
    });
  }

  control(request, response) {
    const [path] = splitTarget(request.url);
    if (path === '/__verifier/health') {
      response.end('ok');
    } else if (path === '/__verifier/log' && request.method === 'DELETE') {
      this.log.length = 0;
      response.end('[]');
    } else if (path === '/__verifier/log') {
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify(this.log));
    } else {
      response.statusCode = 404;
      response.end();
    }
  }

  async invoke(request, body, size, response) {
    const headers = receivedHeaders(request);
    const [path, rawQuery] = splitTarget(request.url);
    const entry = {
      time: new Date().toISOString(),
      method: request.method,
      target: request.url,
      path,
      headers,
      bodyLength: size,
      body: body.subarray(0, LOGGED_BODY).toString('utf8'),
      requestId: crypto.randomUUID(),
    };
    this.log.push(entry);
    try {
      if (size > MAX_BODY) {
        throw new Rejection(413, 'RequestTooLargeException',
          `Request must be smaller than ${MAX_BODY} bytes for the InvokeFunction operation`);
      }
      Object.assign(entry, await this.verify(request.method, path, rawQuery, headers, body));
      entry.verified = true;
      Object.assign(entry, invocation(path, rawQuery, headers));
    } catch (error) {
      if (!(error instanceof Rejection)) {
        throw error;
      }
      Object.assign(entry, { verified: entry.verified === true, status: error.status,
        errorType: error.type, message: error.message });
      reply(response, error.status, error.type, error.message, entry.requestId);
      return;
    }
    if (entry.invocationType === 'DryRun') {
      entry.status = 204;
      response.writeHead(204, { 'x-amzn-RequestId': entry.requestId });
      response.end();
      return;
    }
    const answer = await this.forward(entry.function, headers, body);
    entry.status = answer.status;
    response.writeHead(answer.status, this.responseHeaders(entry, answer));
    response.end(answer.body);
  }

  async verify(method, path, rawQuery, headers, body) {
    if (!headers.authorization) {
      throw new Rejection(403, 'MissingAuthenticationTokenException',
        'Missing Authentication Token');
    }
    const auth = parseAuthorization(headers.authorization);
    const key = this.keys[auth.accessKeyId];
    if (!key) {
      throw new Rejection(403, 'UnrecognizedClientException',
        'The security token included in the request is invalid.');
    }
    const token = headers['x-amz-security-token'];
    if ((key.token || token) && token !== key.token) {
      throw new Rejection(403, 'UnrecognizedClientException',
        'The security token included in the request is invalid.');
    }
    if (auth.region !== this.region) {
      throw signatureError(`Credential should be scoped to a valid region, not '${auth.region}'.`);
    }
    if (auth.service !== this.service) {
      throw signatureError(`Credential should be scoped to correct service: '${this.service}'.`);
    }
    const signed = auth.signedHeaders;
    if (signed.join(';') !== [...signed].map((n) => n.toLowerCase()).sort().join(';')) {
      throw signatureError(`SignedHeaders must be lower-case and sorted: ${signed.join(';')}`);
    }
    for (const name of ['host', 'x-amz-date'].concat(token ? ['x-amz-security-token'] : [])) {
      if (!signed.includes(name)) {
        throw signatureError(`'${name}' must be signed; SignedHeaders=${signed.join(';')}`);
      }
    }
    for (const name of signed) {
      if (!(name in headers)) {
        throw signatureError(`signed header '${name}' is not in the request`);
      }
    }
    const signingDate = parseAmzDate(headers['x-amz-date']);
    if (headers['x-amz-date'].slice(0, 8) !== auth.date) {
      throw signatureError(`Date in Credential scope does not match YYYYMMDD from ISO-8601 ` +
        `version of date from HTTP: '${auth.date}' != '${headers['x-amz-date'].slice(0, 8)}'`);
    }
    if (Math.abs(Date.now() - signingDate.getTime()) > MAX_SKEW_MS) {
      throw signatureError(`Signature expired: ${headers['x-amz-date']} is not within 5 minutes ` +
        `of ${new Date().toISOString()}`);
    }
    const bodyHash = crypto.createHash('sha256').update(body).digest('hex');
    const claimed = headers['x-amz-content-sha256'];
    if (claimed !== undefined && claimed !== bodyHash) {
      throw signatureError(`x-amz-content-sha256 ${claimed} is not the body's SHA-256 ${bodyHash}`);
    }
    let query;
    try {
      query = parseQuery(rawQuery);
    } catch {
      throw new Rejection(400, 'InvalidParameterValueException', `Malformed query: ${rawQuery}`);
    }
    const signer = new SignatureV4({
      service: this.service,
      region: this.region,
      credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: key.secret,
        ...(token ? { sessionToken: token } : {}) },
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: false,
    });
    // The request as received, restricted to the headers it says it signed. The signer escapes
    // the path once more (%3A -> %253A), as Lambda does for its canonical URI.
    const toSign = {
      method,
      protocol: 'http:',
      hostname: headers.host.split(':')[0],
      path,
      query,
      headers: Object.fromEntries(signed.map((name) => [name, headers[name]])),
      body,
    };
    const signedRequest = await signer.sign(toSign, {
      signingDate,
      signableHeaders: new Set(signed),
    });
    const expected = parseAuthorization(signedRequest.headers.authorization);
    if (expected.signature !== auth.signature ||
        expected.signedHeaders.join(';') !== signed.join(';')) {
      throw signatureError('The request signature we calculated does not match the signature ' +
        'you provided. Check your AWS Secret Access Key and signing method. Consult the service ' +
        'documentation for details.');
    }
    return {
      accessKeyId: auth.accessKeyId,
      signedHeaders: signed,
      sessionToken: token !== undefined,
    };
  }

  forward(name, headers, body) {
    const sent = { ...headers, host: this.emulator.host, 'content-length': String(body.length) };
    for (const name of NOT_FORWARDED) {
      delete sent[name];
    }
    return new Promise((resolve, reject) => {
      const outgoing = http.request({
        host: this.emulator.hostname,
        port: this.emulator.port,
        method: 'POST',
        path: `/2015-03-31/functions/${encodeURIComponent(name)}/invocations`,
        headers: sent,
      }, (incoming) => {
        const chunks = [];
        incoming.on('data', (chunk) => chunks.push(chunk));
        incoming.on('end', () => resolve({
          status: incoming.statusCode,
          headers: incoming.headers,
          body: Buffer.concat(chunks),
        }));
        incoming.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  // Lambda's own headers only: hapi's CORS and cache headers are the emulator's, not Lambda's.
  responseHeaders(entry, answer) {
    const headers = {};
    for (const name of ['x-amzn-errortype', 'x-amz-function-error']) {
      if (answer.headers[name] !== undefined) {
        headers[name === 'x-amzn-errortype' ? 'x-amzn-ErrorType' : 'X-Amz-Function-Error'] =
          answer.headers[name];
      }
    }
    headers['x-amzn-RequestId'] = entry.requestId;
    headers['content-length'] = String(answer.body.length);
    if (answer.body.length > 0) {
      // Lambda always answers JSON; hapi labels a string result text/html.
      headers['content-type'] = 'application/json';
    }
    if (answer.status === 200) {
      headers['X-Amz-Executed-Version'] = executedVersion(entry.qualifier);
      if (entry.logType === 'Tail') {
        const version = executedVersion(entry.qualifier);
        const log = `START RequestId: ${entry.requestId} Version: ${version}\n` +
          `END RequestId: ${entry.requestId}\n`;
        headers['X-Amz-Log-Result'] = Buffer.from(log).toString('base64');
      }
    }
    return headers;
  }
}

// The function, qualifier, invocation and log types of a verified request.
function invocation(path, rawQuery, headers) {
  const match = INVOKE_PATH.exec(path);
  if (!match) {
    throw new Rejection(404, 'UnknownOperationException', `Unknown operation: ${path}`);
  }
  let label;
  try {
    label = decodeURIComponent(match[1]);
  } catch {
    throw new Rejection(400, 'InvalidParameterValueException',
      `Malformed function name: ${match[1]}`);
  }
  const form = FUNCTION_FORMS.map((re) => re.exec(label)).find(Boolean);
  if (!form) {
    throw new Rejection(400, 'ValidationException',
      `1 validation error detected: Value '${label}' at 'functionName' failed to satisfy ` +
      'constraint');
  }
  const queryQualifier = parseQuery(rawQuery).Qualifier;
  const nameQualifier = form[2];
  if (nameQualifier !== undefined && queryQualifier !== undefined &&
      nameQualifier !== queryQualifier) {
    throw new Rejection(400, 'InvalidParameterValueException',
      'The derived qualifier from the function name does not match the specified qualifier.');
  }
  const invocationType = headers['x-amz-invocation-type'] || 'RequestResponse';
  if (!['RequestResponse', 'Event', 'DryRun'].includes(invocationType)) {
    throw new Rejection(400, 'InvalidParameterValueException',
      `Unsupported invocation type: ${invocationType}`);
  }
  return {
    functionLabel: label,
    function: form[1],
    qualifier: nameQualifier ?? queryQualifier ?? null,
    qualifierSource: nameQualifier !== undefined ? 'name'
      : queryQualifier !== undefined ? 'query' : null,
    invocationType,
    logType: headers['x-amz-log-type'] || 'None',
  };
}

function executedVersion(qualifier) {
  return qualifier === null || qualifier === '$LATEST' ? '$LATEST' : qualifier;
}

function reply(response, status, type, message, requestId = crypto.randomUUID()) {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ Type: 'User', message });
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-ErrorType': type,
    'x-amzn-RequestId': requestId,
  });
  response.end(body);
}

async function main() {
  const env = process.env;
  const verifier = new Verifier({
    emulatorUrl: env.EMULATOR_URL || 'http://127.0.0.1:9101',
    keys: env.SIGV4_KEYS ? JSON.parse(env.SIGV4_KEYS) : DEFAULT_KEYS,
    region: env.AWS_REGION_EXPECTED || 'us-east-1',
  });
  const port = await verifier.listen(Number(env.VERIFIER_PORT || 9100));
  console.log(`sigv4-verifier on http://127.0.0.1:${port} -> ${verifier.emulator.href}`);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => verifier.close().then(() => process.exit(0)));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
