// `results top`: the best rows of a table, optionally filtered (--where) and aggregated over
// the symbols of each parameter set (--group-by params). Without --group-by the table is read
// in blocks and only the best n rows are kept (a bounded heap), so memory does not grow with
// the table; grouping keeps each parameter set's metric values (the median needs them all).
#include <cmath>
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <queue>

#include "qg/core/error.hpp"
#include "qg/results/analysis.hpp"
#include "qg/results/row_filter.hpp"
#include "qg/results/run_file.hpp"
#include "qg/results/text_table.hpp"
#include "table_view.hpp"

namespace qg::results {

using namespace detail;

namespace {

constexpr std::size_t kBlockRows = 65536;  // the run file's chunk size

//! A row's place in the ranking: smaller is better (NaN last, then by key, then earlier rows).
struct Rank {
  bool nan = false;
  double key = 0.0;  // the value, negated when larger is better
  std::size_t row = 0;
  bool operator<(const Rank& o) const {
    if (nan != o.nan) return !nan;
    if (key != o.key) return key < o.key;
    return row < o.row;
  }
};

struct Kept {
  Rank rank;
  std::vector<double> values;  // every column, in table.names order
  bool operator<(const Kept& o) const { return rank < o.rank; }
};

//! The columns of a --where expression, resolved against the view like --by.
struct Filter {
  std::optional<RowFilter> expression;
  std::vector<std::size_t> columns;
  std::vector<double> scratch;

  Filter(const View& view, const std::filesystem::path& run, const std::string& where) {
    if (where.empty()) return;
    expression = RowFilter::parse(where);
    for (const auto& name : expression->columns()) columns.push_back(sort_column(view, run, name));
    scratch.resize(columns.size());
  }
  bool passes(const Table& t, std::size_t row) {
    if (!expression) return true;
    for (std::size_t i = 0; i < columns.size(); ++i) scratch[i] = t.columns[columns[i]][row];
    return expression->matches(scratch);
  }
};

//! The best `n` (0: all) rows of the blocks `each_block` produces, best first.
std::vector<Kept> best_rows(
    const std::function<void(const std::function<void(const Table&, std::size_t)>&)>& each_block, std::size_t key,
    bool ascending, std::size_t n, Filter& filter) {
  std::priority_queue<Kept> heap;  // top: the worst row kept
  each_block([&](const Table& t, std::size_t first) {
    for (std::size_t i = 0; i < t.rows(); ++i) {
      if (!filter.passes(t, i)) continue;
      const double v = t.columns[key][i];
      const Rank rank{std::isnan(v), std::isnan(v) ? 0.0 : (ascending ? v : -v), first + i};
      if (n != 0 && heap.size() == n && !(rank < heap.top().rank)) continue;
      Kept kept{rank, std::vector<double>(t.columns.size())};
      for (std::size_t c = 0; c < t.columns.size(); ++c) kept.values[c] = t.columns[c][i];
      heap.push(std::move(kept));
      if (n != 0 && heap.size() > n) heap.pop();
    }
  });
  std::vector<Kept> out;
  for (; !heap.empty(); heap.pop()) out.push_back(heap.top());
  std::reverse(out.begin(), out.end());
  return out;
}

void print_kept(const View& view, const std::vector<std::pair<std::string, std::vector<std::string>>>& texts,
                const std::vector<Kept>& rows, std::ostream& os) {
  std::vector<std::vector<std::string>> lines{{"rank"}};
  std::vector<bool> left{false};
  for (const auto& text : texts) {
    lines.front().push_back(text.first);
    left.push_back(true);
  }
  for (std::size_t c = 0; c < view.order.size(); ++c) {
    lines.front().push_back(view.labels[c]);
    left.push_back(view.table.names[view.order[c]] == "symbol");
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::vector<std::string> line{std::to_string(r + 1)};
    for (const auto& text : texts) line.push_back(text.second[rows[r].rank.row]);
    for (std::size_t c : view.order) line.push_back(format_value(view, c, rows[r].values[c], false));
    lines.push_back(std::move(line));
  }
  print_aligned(lines, left, os);
}

// ---- --group-by params ----

double aggregate(std::vector<double> values, const std::string& agg) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  if (values.empty()) return std::nan("");
  if (agg == "min") return *std::min_element(values.begin(), values.end());
  if (agg == "median") return median_of(std::move(values));
  double sum = 0.0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

//! One row per parameter set: combo, its parameters, the number of symbols, and each metric
//! aggregated over the symbols.
Table group_by_params(const RunReader& reader, const std::filesystem::path& run, const std::string& group,
                      const std::string& agg) {
  const View view = load_view(reader, group, false);
  const auto& names = view.table.names;
  const auto combo = std::find(names.begin(), names.end(), "combo");
  if (combo == names.end())
    throw DataError(run.string() + ":" + group + ": no combo column to group parameter sets by");
  std::vector<std::size_t> params, metrics;
  for (std::size_t c = 0; c < names.size(); ++c) {
    if (names[c].starts_with("params/")) params.push_back(c);
    if (names[c].starts_with("metrics/")) metrics.push_back(c);
  }
  struct Set {
    std::vector<double> params;
    std::vector<std::vector<double>> metrics;
  };
  std::map<double, Set> sets;
  const auto combo_column = static_cast<std::size_t>(combo - names.begin());
  for (std::size_t first = 0;; first += kBlockRows) {
    const Table t = reader.read_table_rows(group, first, kBlockRows);
    for (std::size_t i = 0; i < t.rows(); ++i) {
      Set& set = sets[t.columns[combo_column][i]];
      if (set.metrics.empty()) {
        for (std::size_t c : params) set.params.push_back(t.columns[c][i]);
        set.metrics.resize(metrics.size());
      }
      for (std::size_t m = 0; m < metrics.size(); ++m) set.metrics[m].push_back(t.columns[metrics[m]][i]);
    }
    if (t.rows() < kBlockRows) break;
  }
  Table out;
  out.names.emplace_back("combo");
  for (std::size_t c : params) out.names.push_back(names[c]);
  out.names.emplace_back("symbols");
  for (std::size_t c : metrics) out.names.push_back(names[c]);
  out.columns.resize(out.names.size());
  for (auto& [id, set] : sets) {
    std::size_t c = 0;
    out.columns[c++].push_back(id);
    for (double p : set.params) out.columns[c++].push_back(p);
    out.columns[c++].push_back(static_cast<double>(set.metrics.empty() ? 0 : set.metrics.front().size()));
    for (auto& values : set.metrics) out.columns[c++].push_back(aggregate(std::move(values), agg));
  }
  return out;
}

void print_grouped(const RunReader& reader, const std::filesystem::path& run, const std::string& table,
                   const TopQuery& q, std::ostream& os) {
  if (q.group_by != "params")
    throw ConfigError("results top: --group-by takes 'params' (each parameter set over the symbols), not '" +
                      q.group_by + "'");
  if (q.agg != "median" && q.agg != "min" && q.agg != "mean")
    throw ConfigError("results top: --agg takes median, min or mean, not '" + q.agg + "'");
  const View view = make_view(table, group_by_params(reader, run, table, q.agg), {});
  Filter filter(view, run, q.where);
  const auto rows = best_rows([&](const auto& visit) { visit(view.table, 0); }, sort_column(view, run, q.column),
                              q.ascending, q.n, filter);
  os << q.agg << " over the symbols of each parameter set (" << view.table.rows() << " sets";
  if (!q.where.empty()) os << "; --where on the " << q.agg << "s";
  os << ")\n";
  print_kept(view, {}, rows, os);
}

}  // namespace

void print_top(const RunReader& reader, const std::filesystem::path& run, const std::string& table, const TopQuery& q,
               std::ostream& os) {
  if (!reader.has(table)) throw DataError(run.string() + ": no table " + table);
  if (!q.group_by.empty()) return print_grouped(reader, run, table, q, os);
  const View view = load_view(reader, table, false);
  Filter filter(view, run, q.where);
  std::size_t total = 0;
  const auto each_block = [&](const std::function<void(const Table&, std::size_t)>& visit) {
    for (std::size_t first = 0;; first += kBlockRows) {
      const Table t = reader.read_table_rows(table, first, kBlockRows);
      visit(t, first);
      total += t.rows();
      if (t.rows() < kBlockRows) break;
    }
  };
  const auto rows = best_rows(each_block, sort_column(view, run, q.column), q.ascending, q.n, filter);
  print_kept(view, text_columns(reader, table, total), rows, os);
}

void print_top(const std::filesystem::path& run, const std::string& table, const std::string& column, std::size_t n,
               bool ascending, std::ostream& os) {
  print_top(*RunReader::open(run), run, table, TopQuery{column, n, ascending, {}, {}, "median"}, os);
}

void print_top(const RunReader& reader, const std::filesystem::path& run, const std::string& table,
               const std::string& column, std::size_t n, bool ascending, std::ostream& os) {
  print_top(reader, run, table, TopQuery{column, n, ascending, {}, {}, "median"}, os);
}

}  // namespace qg::results
