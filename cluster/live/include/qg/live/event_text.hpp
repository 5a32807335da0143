#pragma once
// The JSON text of an event body written field by field, without a JSON document: the bytes
// are exactly those of nlohmann::json's dump() of the same object (keys in sorted order,
// numbers as dump() writes them, non-finite doubles as null), so subscribers cannot tell the
// two apart. The caller adds the keys in sorted (byte) order.
#include <cstdint>
#include <string>
#include <string_view>

namespace qg::live {

class EventText {
 public:
  EventText& number(std::string_view key, double value);
  EventText& integer(std::string_view key, std::int64_t value);
  EventText& text(std::string_view key, std::string_view value);
  //! The finished object; the builder is empty again afterwards.
  std::string take();

 private:
  void key(std::string_view name);

  std::string out_;
};

}  // namespace qg::live
