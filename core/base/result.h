#pragma once
// Expected failures (a bad file, a wrong setting) travel as values, not exceptions: every loader returns a
// Result that carries either the value or a message naming the file, the field and what was wrong.

#include <optional>
#include <string>
#include <utility>

namespace dlm {

/** The outcome of an operation that can fail on bad input: a value, or a human-readable message. */
template <typename T>
class Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    static Result failure(std::string message)
    {
        Result r;
        r.m_error = std::move(message);
        return r;
    }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const std::string &error() const { return m_error; }

    T &value() { return *m_value; }
    const T &value() const { return *m_value; }
    T &operator*() { return *m_value; }
    const T &operator*() const { return *m_value; }
    T *operator->() { return &*m_value; }
    const T *operator->() const { return &*m_value; }

private:
    Result() = default;
    std::optional<T> m_value;
    std::string m_error;
};

/** A Result without a value: success, or a message. */
class Status
{
public:
    Status() = default;
    static Status failure(std::string message)
    {
        Status s;
        s.m_error = std::move(message);
        s.m_failed = true;
        return s;
    }
    /** The work was stopped on request before it finished: not a failure of the input, and nothing changed. */
    static Status stoppedOnRequest()
    {
        Status s = failure("stopped");
        s.m_stopped = true;
        return s;
    }
    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const std::string &error() const { return m_error; }
    bool stopped() const { return m_stopped; }

private:
    std::string m_error;
    bool m_failed = false;
    bool m_stopped = false;
};

} // namespace dlm
