#pragma once
// What Jinja2 and Python give a chat template to work with: operators, attribute and item access, the
// methods of str and dict, filters, tests and the global functions. Internal to the interpreter.

#include "core/text/jinja_value.h"

#include <cstddef>
#include <string>

namespace dlm::jinja {

/** Bounds on the work one operation may do, so a hostile template cannot exhaust memory. */
struct OperationLimits
{
    size_t maxStringBytes = 0;
    size_t maxListItems = 0;
};

/** Binary operator `op` (+ - * / // % ** ~) with Python's semantics. */
Value binaryOp(const std::string &op, const Value &a, const Value &b, const OperationLimits &limits);
/** `needle in haystack`. */
bool contains(const Value &haystack, const Value &needle);
/** `obj.name`: a method of str or dict, or else the dict item. Missing gives undefined. */
Value getAttribute(const Value &obj, const std::string &name, const OperationLimits &limits);
/** `obj[key]`: list index (negative from the end), dict key or string character. Missing gives undefined. */
Value getItem(const Value &obj, const Value &key);
/** `obj[start:stop:step]` on lists and strings; null parts are undefined values. */
Value getSlice(const Value &obj, const Value &start, const Value &stop, const Value &step);
/** The items of a for loop over `v` (dicts give their keys, strings their characters). */
ValueList iterate(const Value &v);

bool hasFilter(const std::string &name);
Value applyFilter(const std::string &name, const Value &input, const ValueList &args, const KeywordArgs &kwargs,
    const OperationLimits &limits);
bool hasTest(const std::string &name);
bool applyTest(const std::string &name, const Value &input, const ValueList &args);

/** range, namespace and dict: the globals every Jinja2 environment has. */
Dict defaultGlobals(const OperationLimits &limits);

/** Throws the error Jinja2 raises when an undefined value is used. */
[[noreturn]] void failUndefined(const Value &v);
/** Argument `index` or keyword `name` of a call, or `fallback` (an undefined value: "not given"). */
Value argument(
    const ValueList &args, const KeywordArgs &kwargs, size_t index, const char *name, Value fallback = Value());

} // namespace dlm::jinja
