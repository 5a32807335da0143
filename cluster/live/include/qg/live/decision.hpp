#pragma once
// The answer to an expected check (a request, a record, a command): accepted with a value, or
// refused with a code and a reason. Refusals are values, not exceptions; exceptions stay for
// bugs and I/O failures.
#include <string>
#include <utility>
#include <variant>

#include "qg/live/deployment.hpp"

namespace qg::live {

template <class T>
class Decision {
 public:
  //! Accepted, carrying `value`.
  static Decision accept(T value) { return Decision(std::move(value)); }
  //! Refused with a code (docs/operations.md lists them) and a sentence for the operator.
  static Decision refuse(std::string code, std::string reason) {
    return Decision(Rejection{std::move(code), std::move(reason)});
  }
  //! Refused for the same reason as another decision or check.
  static Decision refuse(Rejection why) { return Decision(std::move(why)); }

  bool accepted() const { return std::holds_alternative<T>(outcome_); }
  explicit operator bool() const { return accepted(); }
  //! The accepted value. Requires accepted().
  const T& value() const& { return std::get<T>(outcome_); }
  T&& value() && { return std::get<T>(std::move(outcome_)); }
  //! Why it was refused. Requires !accepted().
  const Rejection& refusal() const { return std::get<Rejection>(outcome_); }

 private:
  explicit Decision(T value) : outcome_(std::move(value)) {}
  explicit Decision(Rejection why) : outcome_(std::move(why)) {}

  std::variant<T, Rejection> outcome_;
};

}  // namespace qg::live
