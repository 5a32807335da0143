#pragma once
// Where the live node's events go: the events PUB socket and the log in production, a
// recording sink in tests.
#include <string>

#include <nlohmann/json.hpp>

namespace qg::live {

//! Receives every event of the node: bar, signal, order, fill, deployment, rejection, risk,
//! halt, resume, heartbeat. Implementations must not throw.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void publish(const std::string& type, const nlohmann::json& body) noexcept = 0;
  //! The same event with its body already written as JSON text (EventText, exactly what
  //! dump() would write): the ZeroMQ sink sends the bytes as they are; by default the text is
  //! parsed back into a document for publish().
  virtual void publish_text(const std::string& type, const std::string& body) noexcept {
    try {
      publish(type, nlohmann::json::parse(body));
    } catch (...) {  // EventText writes valid JSON: nothing to report
    }
  }
};

}  // namespace qg::live
