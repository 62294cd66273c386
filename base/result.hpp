// Errors are values: a function that can fail returns Result<T> carrying either T or a message
// with context ("open loop 'x.mp4': No such file or directory").
#pragma once
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace loopcast {

// What kind of failure, so callers (HTTP layer, CLI exit codes) can react without parsing text.
enum class Errc { invalid, not_found, conflict, unavailable, internal };

struct Error {
  std::string message;
  Errc code = Errc::internal;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error e) : v_(std::move(e)) {}
  explicit operator bool() const { return v_.index() == 0; }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const std::string& error() const { return std::get<1>(v_).message; }
  Errc code() const { return std::get<1>(v_).code; }
  // The error of a failed result, to return as it is from a function of another result type:
  // `if (!x) return x.forward();`. Calling it on a success is a bug.
  Error forward() const {
    assert(!*this && "forward() of a result that succeeded");
    return v_.index() == 1 ? std::get<1>(v_) : Error{"internal error: a success forwarded as a failure", Errc::internal};
  }

 private:
  std::variant<T, Error> v_;
};

// Result<void> equivalent: empty message means success.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : msg_(std::move(e.message)), code_(e.code), failed_(true) {}
  static Status ok() { return {}; }
  explicit operator bool() const { return !failed_; }
  const std::string& error() const { return msg_; }
  Errc code() const { return code_; }
  // The error of a failed status, to return from a function of a result type (see Result::forward).
  Error forward() const {
    assert(failed_ && "forward() of a status that succeeded");
    return failed_ ? Error{msg_, code_} : Error{"internal error: a success forwarded as a failure", Errc::internal};
  }

 private:
  std::string msg_;
  Errc code_ = Errc::internal;
  bool failed_ = false;
};

}  // namespace loopcast
