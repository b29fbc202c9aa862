#pragma once
// A small Jinja2 interpreter for the chat templates that Hugging Face models ship: text, {{ }}, {% %}, {# #},
// whitespace control, if/for/set/macro, namespaces, the filters, tests and str/dict methods real templates
// use. It renders under the settings transformers uses (trim_blocks and lstrip_blocks on), so its output is
// byte for byte what `apply_chat_template` gives. Anything it does not support is an error naming the line.

#include "core/base/result.h"
#include "core/text/jinja_value.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dlm {

namespace jinja {
struct Node;
}

/** Bounds that keep a hostile template from hanging the app or exhausting memory. */
struct JinjaLimits
{
    size_t maxOutputBytes = 4u << 20; // the rendered text and every string value on the way
    int64_t maxLoopIterations = 100000; // all for-loop iterations of one render together; also list sizes
    int maxCallDepth = 64; // nested macro calls
    int64_t maxMacroCalls = 100000; // all macro calls of one render: depth alone allows 2^64 calls
    double maxSeconds = 10.0; // wall time of one render; each step is bounded, their number may still be huge
};

/** A parsed Jinja2 template; copies share the parsed tree, rendering does not change it. */
class JinjaTemplate
{
public:
    /** Parses `source`; a syntax error or unsupported tag fails with "line L, column C: what". */
    static Result<JinjaTemplate> parse(const std::string &source);

    /**
     * Renders with `variables` (and `range`, `namespace`, `dict`) in scope. Run-time errors, including
     * `raise_exception` and limits, fail with "line L: what".
     */
    Result<std::string> render(const jinja::Dict &variables, const JinjaLimits &limits = {}) const;

private:
    std::shared_ptr<const std::vector<std::unique_ptr<jinja::Node>>> m_nodes;
};

} // namespace dlm
