"""libFuzzer targets that double as regression tests over their seed corpus."""

def portico_fuzz_test(name, srcs, deps = []):
    """Three targets around one LLVMFuzzerTestOneInput; `name` ends in "_fuzz".

    The seed corpus is the folder `<stem>_corpus` beside the BUILD file (token_fuzz: token_corpus),
    a convention tools/fuzz relies on. `name`_test runs the target over every seed with the ordinary
    toolchain, so the corpus is checked by every unit-test run, sanitizers included; `name` is the
    libFuzzer binary, which only tools/fuzz builds (`--config=fuzz`: clang, -fsanitize=fuzzer), so
    it is tagged manual; `name`_lib holds the target for both.
    """
    if not name.endswith("_fuzz"):
        fail("portico_fuzz_test: the name must end in _fuzz, got " + name)
    corpus = name[:-len("_fuzz")] + "_corpus"
    native.cc_library(
        name = name + "_lib",
        testonly = True,
        srcs = srcs,
        deps = deps,
        alwayslink = True,
    )
    native.cc_test(
        name = name + "_test",
        args = [native.package_name() + "/" + corpus],
        data = native.glob([corpus + "/*"], allow_empty = False),
        deps = [
            ":" + name + "_lib",
            "//test/fuzz:fuzz_corpus_main",
        ],
    )
    native.cc_binary(
        name = name,
        testonly = True,
        linkopts = ["-fsanitize=fuzzer"],
        tags = [
            "fuzzer",
            "manual",
        ],
        deps = [":" + name + "_lib"],
    )
