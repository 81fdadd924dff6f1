// An xDS client independent of Portico's C++ one: opens Envoy's aggregated discovery stream
// (state of the world) to a control plane with @grpc/grpc-js, using the project's own .proto files
// from api/, subscribes to the given resource types, and prints one JSON line per response:
//   {"type_url", "version_info", "nonce", "count", "names"}  (names of the decoded resources)
// ACKs each response, and exits 0 once every type has answered (2 on a stream error, 3 on timeout).
//
//   node xds_client.mjs HOST:PORT NODE_ID TYPE_URL...

import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");
const protobuf = require("protobufjs");

const API = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "api");
const TIMEOUT_MS = 10000;

function loadAds() {
  const definition = protoLoader.loadSync("envoy/service/discovery/v3/ads.proto", {
    includeDirs: [API],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  });
  return grpc.loadPackageDefinition(definition).envoy.service.discovery.v3;
}

// The config messages, to decode the Any resources.
function loadConfigTypes() {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    target.startsWith("google/protobuf/") ? target : path.join(API, target);
  root.loadSync("portico/config/v1/declarative.proto", { keepCase: true });
  return root;
}

function nameOf(root, resource) {
  const typeName = resource.type_url.split("/").pop();
  const message = root.lookupType(typeName).decode(resource.value);
  return message.name ?? message.id ?? "";
}

function main() {
  const [target, nodeId, ...types] = process.argv.slice(2);
  if (!target || !nodeId || types.length === 0) {
    process.stderr.write("usage: node xds_client.mjs HOST:PORT NODE_ID TYPE_URL...\n");
    process.exit(64);
  }
  const ads = loadAds();
  const root = loadConfigTypes();
  const client = new ads.AggregatedDiscoveryService(target, grpc.credentials.createInsecure());
  const stream = client.StreamAggregatedResources();
  const pending = new Set(types);
  let finished = false;

  const finish = (code) => {
    if (finished) return;
    finished = true;
    stream.end();
    client.close();
    process.exit(code);
  };
  const timer = setTimeout(() => {
    process.stderr.write(`no answer for ${[...pending].join(", ")}\n`);
    finish(3);
  }, TIMEOUT_MS);

  stream.on("data", (response) => {
    const names = response.resources.map((resource) => nameOf(root, resource));
    process.stdout.write(
      JSON.stringify({
        type_url: response.type_url,
        version_info: response.version_info,
        nonce: response.nonce,
        count: response.resources.length,
        names,
        control_plane: response.control_plane?.identifier ?? null,
      }) + "\n",
    );
    stream.write({
      version_info: response.version_info,
      type_url: response.type_url,
      response_nonce: response.nonce,
    });
    pending.delete(response.type_url);
    if (pending.size === 0) {
      clearTimeout(timer);
      // Lets the ACKs reach the server before the stream ends.
      setTimeout(() => finish(0), 200);
    }
  });
  stream.on("error", (error) => {
    if (finished) return;
    process.stderr.write(`stream error: ${error.code} ${error.details}\n`);
    clearTimeout(timer);
    finish(2);
  });

  types.forEach((typeUrl, index) => {
    const request = { type_url: typeUrl, version_info: "", response_nonce: "", resource_names: [] };
    if (index === 0) {
      request.node = { id: nodeId, cluster: "xds-client", user_agent_name: "xds_client.mjs" };
    }
    stream.write(request);
  });
}

main();
