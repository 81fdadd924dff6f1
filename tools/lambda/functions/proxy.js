'use strict';
// Results for is_proxy_integration (kong-behavior.md §5.4). The first three are valid; each of
// the others breaks exactly one rule, named after the `bad`/`not`/`out` in its export.

exports.created = async () => ({
  statusCode: 201,
  headers: { 'Content-Type': 'text/plain', 'X-Function': 'proxy-created' },
  body: 'created by the function',
});

exports.base64 = async () => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/octet-stream' },
  body: Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x68, 0x69]).toString('base64'),
  isBase64Encoded: true,
});

exports.multiValue = async () => ({
  statusCode: 200,
  headers: { 'X-Single': 'from-headers', 'X-Multi': 'overridden' },
  multiValueHeaders: { 'X-Multi': ['one', 'two'], 'Set-Cookie': ['a=1', 'b=2'] },
  body: 'multi',
});

// A numeric string is a valid statusCode.
exports.stringStatus = async () => ({ statusCode: '202', body: 'accepted' });

exports.badStatus = async () => ({ statusCode: 'teapot', body: 'x' });

exports.statusOutOfRange = async () => ({ statusCode: 600, body: 'x' });

exports.badHeaders = async () => ({ statusCode: 200, headers: 'X-Not: an object', body: 'x' });

exports.badBody = async () => ({ statusCode: 200, body: { not: 'a string' } });

exports.badBase64Flag = async () => ({
  statusCode: 200,
  body: Buffer.from('hi').toString('base64'),
  isBase64Encoded: 'true',
});

exports.notAnObject = async () => [1, 2, 3];
