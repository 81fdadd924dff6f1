// Starts Portico's local Lambda: serverless-offline serving functions/ (a child process) and the
// SigV4 verifier in front of it (in this process), both on 127.0.0.1. When both answer it prints
// one line on stdout, {"verifier": PORT, "emulator": PORT}; SIGTERM or SIGINT stops both.
//
//   node start.mjs [--port 9100] [--emulator-port 9101]     (0, the default, picks a free port)
//
// The gateway calls the verifier's port. Environment: SIGV4_KEYS (JSON: access key ->
// {"secret", "token"?}; default the AWS documentation's AKIDEXAMPLE key), PORTICO_JWT_KEY and
// PORTICO_JWT_SECRET (the credential the auth function signs with; see serverless.yml).
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { DEFAULT_KEYS, Verifier } from './sigv4-verifier.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const READY_TIMEOUT_MS = 60000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Any HTTP answer from the Invoke route (a 404 for this unknown function) means it is serving.
function answers(port) {
  return new Promise((resolve) => {
    const request = http.request({
      host: '127.0.0.1', port, method: 'POST', timeout: 1000,
      path: '/2015-03-31/functions/portico-readiness-probe/invocations',
    }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
    request.end('{}');
  });
}

async function waitUntilServing(port, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const how = child.exitCode ?? child.signalCode;
      throw new Error(`serverless-offline exited (${how}) before it served`);
    }
    if (await answers(port)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`serverless-offline not serving on 127.0.0.1:${port} ` +
    `after ${READY_TIMEOUT_MS} ms`);
}

function startEmulator(port) {
  const serverless = path.join(HERE, 'node_modules', 'serverless', 'bin', 'serverless.js');
  return spawn(process.execPath, [serverless, 'offline', 'start', '--host', '127.0.0.1',
    '--lambdaPort', String(port), '--noTimeout'], {
    cwd: HERE,
    stdio: ['ignore', 2, 2],
    env: {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      SLS_DEPRECATION_DISABLE: '*',
    },
  });
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'emulator-port': { type: 'string', default: '0' },
    },
  });
  const emulatorPort = Number(values['emulator-port']) || await freePort();
  // Everything else goes to stderr, so that stdout carries only the ready line.
  console.log = console.error;
  const emulator = startEmulator(emulatorPort);
  let verifier;
  const stop = async (code) => {
    if (emulator.exitCode === null && emulator.signalCode === null) {
      emulator.kill('SIGTERM');
    }
    if (verifier) {
      await verifier.close();
    }
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => stop(0));
  }
  emulator.on('exit', (code, signal) => {
    console.error(`start.mjs: serverless-offline exited (${code ?? signal})`);
    stop(1);
  });
  try {
    await waitUntilServing(emulatorPort, emulator);
    verifier = new Verifier({
      emulatorUrl: `http://127.0.0.1:${emulatorPort}`,
      keys: process.env.SIGV4_KEYS ? JSON.parse(process.env.SIGV4_KEYS) : DEFAULT_KEYS,
    });
    const port = await verifier.listen(Number(values.port));
    process.stdout.write(`${JSON.stringify({ verifier: port, emulator: emulatorPort })}\n`);
  } catch (error) {
    console.error(`start.mjs: ${error.message}`);
    await stop(1);
  }
}

main();
