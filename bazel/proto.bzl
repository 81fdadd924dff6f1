"""Generates C++ for .proto files with the system protoc (Debian's protobuf and gRPC)."""

def portico_proto_library(name, srcs, deps = [], grpc = False):
    """A cc_library over protoc's output for `srcs`; `grpc` adds the service stubs.

    Protos live under api/ and import each other as "portico/...", so api/ is the proto root and
    the include root of the generated headers.
    """
    outs = []
    for src in srcs:
        stem = src[:-len(".proto")]
        outs += [stem + ".pb.h", stem + ".pb.cc"]
        if grpc:
            outs += [stem + ".grpc.pb.h", stem + ".grpc.pb.cc"]
    package = native.package_name()[len("api/"):]
    plugin = " --grpc_out=$(GENDIR)/api --plugin=protoc-gen-grpc=$$(which grpc_cpp_plugin)" if grpc else ""
    native.genrule(
        name = name + "_gen",
        srcs = srcs + [d + "_srcs" for d in deps],
        outs = outs,
        cmd = "protoc -Iapi --cpp_out=$(GENDIR)/api" + plugin + " " +
              " ".join([package + "/" + s for s in srcs]),
    )
    native.filegroup(
        name = name + "_srcs",
        srcs = srcs + [d + "_srcs" for d in deps],
        visibility = ["//visibility:public"],
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        copts = ["-Wno-unused-parameter"],
        strip_include_prefix = "/api",
        deps = deps + ["//third_party:protobuf"] + (["//third_party:grpc"] if grpc else []),
        visibility = ["//visibility:public"],
    )
