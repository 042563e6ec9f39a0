// Error values for the whole project: an Error carries a code, a WHERE (a manifest JSON
// path with line:column, a host path, an LBA, a command) and a WHAT. Library code never
// throws; callers decide what an Error becomes (an exit status and one line on stderr in
// the CLI, sense data in the emulator, nothing in a fuzzer).
#ifndef MKIMG_BASE_ERROR_H_
#define MKIMG_BASE_ERROR_H_

#include <cassert>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace base {

// pycdlib's split of failures, extended for devices and cancellation.
enum class ErrorCode {
  kInvalidInput,  // the user's manifest, command line or host files are wrong (exit 2)
  kCorruptImage,  // an image or disc violates its format (exit 2)
  kUnsupported,   // well-formed but beyond what is implemented (exit 2)
  kIo,            // the host failed an I/O operation (exit 1)
  kDevice,        // a recorder answered with an error (exit 1)
  kMismatch,      // verification found different data (exit 1)
  kCancelled,     // the user cancelled (exit 1)
};

class [[nodiscard]] Error {
 public:
  Error(ErrorCode code, std::string where, std::string what)
      : code_(code), where_(std::move(where)), what_(std::move(what)) {}

  ErrorCode code() const { return code_; }
  const std::string& where() const { return where_; }
  const std::string& what() const { return what_; }

  // "WHERE: WHAT", or "WHAT" when there is no WHERE.
  std::string ToString() const { return where_.empty() ? what_ : where_ + ": " + what_; }

  // Returns a copy whose WHERE is prefixed, e.g. the host path a low-level error came from.
  Error WithWhere(std::string where) const& {
    return Error(code_, where_.empty() ? std::move(where) : where + ": " + where_, what_);
  }

  // The CLI exit status for this error (README.md, "Using mkimg").
  int ExitStatus() const {
    switch (code_) {
      case ErrorCode::kInvalidInput:
      case ErrorCode::kCorruptImage:
      case ErrorCode::kUnsupported:
        return 2;
      default:
        return 1;
    }
  }

 private:
  ErrorCode code_;
  std::string where_;
  std::string what_;
};

inline Error InvalidInput(std::string where, std::string what) {
  return Error(ErrorCode::kInvalidInput, std::move(where), std::move(what));
}
inline Error CorruptImage(std::string where, std::string what) {
  return Error(ErrorCode::kCorruptImage, std::move(where), std::move(what));
}
inline Error Unsupported(std::string where, std::string what) {
  return Error(ErrorCode::kUnsupported, std::move(where), std::move(what));
}
inline Error IoError(std::string where, std::string what) {
  return Error(ErrorCode::kIo, std::move(where), std::move(what));
}
// An I/O error from errno: "WHERE: strerror(errno)".
Error ErrnoError(std::string where, int errnum);

// A minimal std::expected look-alike (C++23's std::expected has the same shape), so that
// the project can switch by changing this header.
template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(const T& value) : v_(value) {}          // NOLINT(google-explicit-constructor)
  Expected(T&& value) : v_(std::move(value)) {}    // NOLINT(google-explicit-constructor)
  Expected(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  template <typename U, typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                                    !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_same_v<std::decay_t<U>, Error>>>
  Expected(U&& value) : v_(T(std::forward<U>(value))) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    assert(!has_value());
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!has_value());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

// Expected<void>: success, or an Error.
template <>
class [[nodiscard]] Expected<void> {
 public:
  Expected() = default;
  Expected(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& {
    assert(!ok_);
    return error_;
  }
  Error&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  Error error_{ErrorCode::kInvalidInput, "", ""};
  bool ok_ = true;
};

using Status = Expected<void>;
inline Status Ok() { return Status(); }

}  // namespace base

#define MKIMG_CONCAT_INNER(a, b) a##b
#define MKIMG_CONCAT(a, b) MKIMG_CONCAT_INNER(a, b)

// Returns the error of an Expected/Status expression from the calling function.
#define RETURN_IF_ERROR(expr)                                    \
  do {                                                           \
    auto&& mkimg_status_ = (expr);                               \
    if (!mkimg_status_) return std::move(mkimg_status_).error(); \
  } while (0)

// Declares `lhs` from an Expected expression, or returns its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(MKIMG_CONCAT(mkimg_expected_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp) return std::move(tmp).error();    \
  lhs = std::move(tmp).value()

// Invariant checks: a failed CHECK is a bug, never bad input. Active in every build.
#define CHECK(cond)                                              \
  do {                                                           \
    if (!(cond)) ::base::CheckFailed(#cond, __FILE__, __LINE__); \
  } while (0)

namespace base {
[[noreturn]] void CheckFailed(const char* cond, const char* file, int line);
}  // namespace base

#endif  // MKIMG_BASE_ERROR_H_
