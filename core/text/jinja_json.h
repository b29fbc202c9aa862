#pragma once
// JSON text to template values, for chat messages files and template variables (keeps nlohmann out of
// headers).

#include "core/base/result.h"
#include "core/text/jinja_value.h"

#include <string>

namespace dlm {

/** Parses JSON text into a template value; objects keep their key order. `origin` names the file in messages. */
Result<jinja::Value> parseJsonValue(const std::string &text, const std::string &origin);

} // namespace dlm
