#pragma once
// A job kind for test jobs: one table, nothing to summarise or approve.
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "qg/jobs/job.hpp"
#include "qg/jobs/job_kind.hpp"

namespace qg::testing {

inline const jobs::JobKind& fake_job_kind() {
  struct FakeKind final : jobs::JobKind {
    std::string_view name() const override { return "test"; }
    std::span<const std::string_view> spec_keys() const override { return {}; }
    std::unique_ptr<jobs::Job> make_job(const std::string&, const std::string&,
                                        std::shared_ptr<const MarketData>) const override {
      return nullptr;
    }
    std::span<const jobs::TableInfo> tables() const override { return tables_; }
    std::pair<std::string, bool> default_ranking(const results::RunReader&) const override { return {"x", true}; }
    void print_summary(const results::RunReader&, std::ostream&) const override {}
    const std::vector<jobs::TableInfo> tables_ = {{"test", "/test", "nothing"}};
  };
  static const FakeKind kind;
  return kind;
}

}  // namespace qg::testing
