#pragma once
// Bounds the work a YAML document can cause. yaml-cpp shares an anchored node among its aliases,
// but anything that walks the loaded tree (the duplicate-key check, the spec readers) visits it
// once per alias: nine nested levels of nine aliases make a 461-byte spec walk 9^9 nodes. The
// counter reads the document's events once, counting nodes as a walk would see them (an alias
// counts as the whole anchored node), and stops at the first alias past the limit.
#include <yaml-cpp/eventhandler.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace qg::jobs::detail {

class ExpansionCounter final : public YAML::EventHandler {
 public:
  //! Throws ConfigError "ORIGIN:LINE: ..." at the first alias that makes the expanded document
  //! larger than `max_nodes`; yaml-cpp's exceptions for malformed text pass through.
  static void check(const std::string& text, const std::string& origin, std::uint64_t max_nodes);

  ExpansionCounter(std::string origin, std::uint64_t max_nodes) : origin_(std::move(origin)), max_nodes_(max_nodes) {}

  void OnDocumentStart(const YAML::Mark& /*mark*/) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override;
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override;
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override;
  void OnMapEnd() override { close(); }

  //! Nodes counted so far, aliases expanded.
  std::uint64_t nodes() const { return nodes_; }

 private:
  struct Open {
    std::uint64_t first_node;  // nodes_ when the collection started
    YAML::anchor_t anchor;
  };
  void add(const YAML::Mark& mark, std::uint64_t n);
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor);
  void open(const YAML::Mark& mark, YAML::anchor_t anchor);
  void close();

  std::string origin_;
  std::uint64_t max_nodes_;
  std::uint64_t nodes_ = 0;
  std::unordered_map<YAML::anchor_t, std::uint64_t> anchored_;  // expanded size of each anchored node
  std::vector<Open> open_;
};

}  // namespace qg::jobs::detail
