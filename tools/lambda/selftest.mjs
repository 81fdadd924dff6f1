// Proves the peers with the official AWS SDK for JavaScript v3 client: what it signs is accepted
// (plain names, ARNs with an alias, Qualifier, session tokens), and wrong secrets, single-encoded
// ARN paths, tampered bodies and unsigned requests get AWS's rejections. Starts its own peers
// through start.mjs. Ends with `selftest: N passed, N failed`; exit status 0 only if none failed.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REGION = 'us-east-1';
const KEY = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const SESSION = {
  accessKeyId: 'ASIASESSIONEXAMPLE',
  secretAccessKey: 'session/secret/EXAMPLE',
  sessionToken: 'token-EXAMPLE+/=',
};
const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:echo';

function startPeers() {
  const keys = {
    [KEY.accessKeyId]: { secret: KEY.secretAccessKey },
    [SESSION.accessKeyId]: { secret: SESSION.secretAccessKey, token: SESSION.sessionToken },
  };
  const child = spawn(process.execPath, [path.join(HERE, 'start.mjs')], {
    cwd: HERE,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SIGV4_KEYS: JSON.stringify(keys) },
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`start.mjs exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      resolve({ child, ports: JSON.parse(line) });
    });
  });
}

function fetchJson(port, method, target) {
  return new Promise((resolve, reject) => {
    http.request({ host: '127.0.0.1', port, method, path: target }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString() || 'null')));
    }).on('error', reject).end();
  });
}

// Sends a request signed by hand: for what the SDK client never does on its own.
async function signedRequest(port, { path: target, body, uriEscapePath = true, tamper }) {
  const signer = new SignatureV4({ service: 'lambda', region: REGION, credentials: KEY,
    sha256: Hash.bind(null, 'sha256'), applyChecksum: false, uriEscapePath });
  const request = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1',
    port, path: target, query: {}, body,
    headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json' } });
  const sent = tamper ? tamper(body) : body;
  return new Promise((resolve, reject) => {
    http.request({ host: '127.0.0.1', port, method: 'POST', path: target,
      headers: { ...request.headers, 'content-length': Buffer.byteLength(sent) } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode,
        type: response.headers['x-amzn-errortype'] }));
    }).on('error', reject).end(sent);
  });
}

async function main() {
  const { child, ports } = await startPeers();
  const endpoint = `http://127.0.0.1:${ports.verifier}`;
  const client = (credentials = KEY) => new LambdaClient({ region: REGION, endpoint, credentials,
    maxAttempts: 1 });
  const invoke = (input, credentials) => client(credentials).send(new InvokeCommand(input));
  const payload = (result) => JSON.parse(Buffer.from(result.Payload).toString('utf8'));
  const lastEntry = async () => (await fetchJson(ports.verifier, 'GET', '/__verifier/log')).at(-1);
  const rejection = async (promise) => {
    try {
      await promise;
      return 'accepted';
    } catch (error) {
      return `${error.$metadata?.httpStatusCode} ${error.name}`;
    }
  };

  const checks = {
    'a plain name is invoked with the SDK signature': async () => {
      const result = await invoke({ FunctionName: 'echo', Payload: JSON.stringify({ a: 1 }),
        LogType: 'Tail' });
      return result.StatusCode === 200 && payload(result).a === 1 &&
        result.ExecutedVersion === '$LATEST' &&
        typeof result.LogResult === 'string';
    },
    'an ARN with an alias travels as %3A and verifies': async () => {
      const result = await invoke({ FunctionName: `${ARN}:live`, Payload: '{"b":2}' });
      const entry = await lastEntry();
      return result.StatusCode === 200 && payload(result).b === 2 &&
        entry.target.includes('%3Alive') &&
        entry.function === 'echo' && entry.qualifier === 'live' && entry.qualifierSource === 'name';
    },
    'Qualifier=%24LATEST is recorded': async () => {
      await invoke({ FunctionName: 'echo', Qualifier: '$LATEST', Payload: '{}' });
      const entry = await lastEntry();
      return entry.target.endsWith('?Qualifier=%24LATEST') && entry.qualifier === '$LATEST' &&
        entry.qualifierSource === 'query';
    },
    'a session token is signed and checked': async () => {
      const result = await invoke({ FunctionName: 'echo', Payload: '{}' }, SESSION);
      const entry = await lastEntry();
      return result.StatusCode === 200 && entry.sessionToken === true &&
        entry.signedHeaders.includes('x-amz-security-token');
    },
    'a wrong session token is UnrecognizedClientException': async () =>
      await rejection(invoke({ FunctionName: 'echo' }, { ...SESSION, sessionToken: 'other' })) ===
        '403 UnrecognizedClientException',
    'a wrong secret is InvalidSignatureException': async () =>
      await rejection(invoke({ FunctionName: 'echo' }, { ...KEY, secretAccessKey: 'wrong' })) ===
        '403 InvalidSignatureException',
    'a single-encoded canonical ARN path is rejected': async () => {
      const target = `/2015-03-31/functions/${encodeURIComponent(`${ARN}:live`)}/invocations`;
      const good = await signedRequest(ports.verifier, { path: target, body: '{}' });
      const bad = await signedRequest(ports.verifier,
        { path: target, body: '{}', uriEscapePath: false });
      return good.status === 200 && bad.status === 403 && bad.type === 'InvalidSignatureException';
    },
    'a tampered body is rejected': async () => {
      const answer = await signedRequest(ports.verifier, {
        path: '/2015-03-31/functions/echo/invocations',
        body: '{"n":1}',
        tamper: () => '{"n":2}',
      });
      return answer.status === 403 && answer.type === 'InvalidSignatureException';
    },
    'an unsigned request is MissingAuthenticationTokenException': async () => {
      const answer = await new Promise((resolve, reject) => {
        http.request({ host: '127.0.0.1', port: ports.verifier, method: 'POST',
          path: '/2015-03-31/functions/echo/invocations' }, (response) => {
          response.resume();
          resolve(response.headers['x-amzn-errortype']);
        }).on('error', reject).end('{}');
      });
      return answer === 'MissingAuthenticationTokenException';
    },
    'DryRun is 204 and Event is 202': async () => {
      const dry = await invoke({ FunctionName: 'echo', InvocationType: 'DryRun' });
      const event = await invoke({ FunctionName: 'echo', InvocationType: 'Event', Payload: '{}' });
      return dry.StatusCode === 204 && event.StatusCode === 202;
    },
    'a throwing function is FunctionError Unhandled': async () => {
      const result = await invoke({ FunctionName: 'boom' });
      return result.StatusCode === 200 && result.FunctionError === 'Unhandled' &&
        payload(result).errorMessage === 'kaboom';
    },
    'the auth function signs an HS256 token': async () => {
      const result = await invoke({ FunctionName: 'auth',
        Payload: JSON.stringify({ email: 'ada@example.com', password: 'lovelace' }) });
      const { statusCode, body } = payload(result);
      const [head, claims, signature] = body.split('.');
      const secret = process.env.PORTICO_JWT_SECRET || 'portico-demo-secret-change-me';
      const expected = crypto.createHmac('sha256', secret).update(`${head}.${claims}`)
        .digest('base64url');
      return statusCode === 200 && signature === expected;
    },
    'a body over 6 MiB is RequestTooLargeException': async () =>
      await rejection(invoke({ FunctionName: 'echo', Payload: `"${'x'.repeat(7 << 20)}"` })) ===
        '413 RequestTooLargeException',
  };

  let passed = 0;
  let failed = 0;
  for (const [name, check] of Object.entries(checks)) {
    let ok = false;
    try {
      ok = await check();
    } catch (error) {
      console.log(`  error: ${error.stack || error}`);
    }
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
    ok ? passed++ : failed++;
  }
  child.removeAllListeners('exit');
  child.kill('SIGTERM');
  console.log(`selftest: ${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
