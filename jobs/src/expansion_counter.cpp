#include "expansion_counter.hpp"

#include <yaml-cpp/parser.h>

#include <sstream>

#include "qg/jobs/spec_reader.hpp"

namespace qg::jobs::detail {

void ExpansionCounter::check(const std::string& text, const std::string& origin, std::uint64_t max_nodes) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  ExpansionCounter counter(origin, max_nodes);
  while (parser.HandleNextDocument(counter)) {}
}

void ExpansionCounter::add(const YAML::Mark& mark, std::uint64_t n) {
  nodes_ += n;
  if (nodes_ > max_nodes_)
    fail_at(origin_, mark, "",
            "aliases expand the spec beyond " + std::to_string(max_nodes_) +
                " nodes; refusing it (a YAML alias bomb? write the values out instead)");
}

void ExpansionCounter::leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
  add(mark, 1);
  if (anchor != YAML::NullAnchor) anchored_[anchor] = 1;
}

void ExpansionCounter::open(const YAML::Mark& mark, YAML::anchor_t anchor) {
  add(mark, 1);
  open_.push_back({nodes_ - 1, anchor});
}

void ExpansionCounter::close() {
  if (open_.empty()) return;
  const Open o = open_.back();
  open_.pop_back();
  if (o.anchor != YAML::NullAnchor) anchored_[o.anchor] = nodes_ - o.first_node;
}

void ExpansionCounter::OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) { leaf(mark, anchor); }

void ExpansionCounter::OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) {
  const auto it = anchored_.find(anchor);
  add(mark, it == anchored_.end() ? 1 : it->second);  // an alias of an open collection: a cycle, counted once
}

void ExpansionCounter::OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                                const std::string& /*value*/) {
  leaf(mark, anchor);
}

void ExpansionCounter::OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                                       YAML::EmitterStyle::value /*style*/) {
  open(mark, anchor);
}

void ExpansionCounter::OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                                  YAML::EmitterStyle::value /*style*/) {
  open(mark, anchor);
}

}  // namespace qg::jobs::detail
