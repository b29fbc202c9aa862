#pragma once
// JSON text to template values, for chat messages files and template variables (keeps nlohmann out of
// headers). The other direction, tojson's serialiser (jinja::toJson in jinja_value.h), is in jinja_json.cpp.

#include "core/base/result.h"
#include "core/text/jinja_value.h"

#include <string>

namespace dlm {

/** Parses JSON text into a template value; objects keep their key order. `origin` names the file in messages. */
Result<jinja::Value> parseJsonValue(const std::string &text, const std::string &origin);

} // namespace dlm
