#include "var/var_kind.hpp"

#include "var/var_job.hpp"
#include "var/var_summary.hpp"

namespace qg::jobs {
namespace {

class VarKind final : public JobKind {
 public:
  std::string_view name() const override { return "var"; }
  std::span<const std::string_view> spec_keys() const override { return kVarJobKeys; }

  std::unique_ptr<Job> make_job(const std::string& spec_text, const std::string& origin,
                                std::shared_ptr<const MarketData> data) const override {
    return make_var_job(spec_text, origin, data);
  }

  std::span<const TableInfo> tables() const override { return tables_; }

  std::pair<std::string, bool> default_ranking(const results::RunReader&) const override { return {"var", true}; }

  void print_summary(const results::RunReader& run, std::ostream& os) const override {
    print_var_summary_report(run, os);
  }

 private:
  const std::vector<TableInfo> tables_ = {
      {"summary", "/var/summary", "VaR and ES (with standard errors) per method and confidence level"},
      {"components", "/var/components", "Euler component, marginal and incremental VaR/ES per position"},
      {"backtest", "/var/backtest", "exceptions, Kupiec and Christoffersen tests, Basel zone per level"},
      {"stress", "/var/stress", "P&L and loss of each named stress scenario"},
      {"stress_positions", "/var/stress_positions", "each stress scenario's P&L per position"},
      {"backtest_days", "/var/backtest_days", "daily P&L against each level's VaR over the backtest window"},
      {"pnl_histogram", "/var/pnl_histogram", "every Monte Carlo scenario's P&L counted in fixed bins"}};
};

}  // namespace

const JobKind& var_kind() {
  static const VarKind kind;
  return kind;
}

}  // namespace qg::jobs
