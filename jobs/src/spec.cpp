// The header every job spec shares: job kind, name, data selection, output, seed.
#include <algorithm>

#include "qg/jobs/job.hpp"
#include "qg/jobs/registry.hpp"
#include "qg/jobs/spec_reader.hpp"

namespace qg::jobs {
namespace {

std::string read_kind(const YAML::Node& root, const std::string& origin) {
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it->first.Scalar() != "job") continue;
    const detail::Field field(it->second, "job", it->first.Mark(), origin);
    const std::string kind = field.as_string();
    const auto kinds = job_kinds();
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
      field.fail("unknown job kind '" + kind + "' (known: " + detail::join_names(kinds) + ")");
    return kind;
  }
  detail::fail_at(origin, root.Mark(), "job", "missing (required; one of: " + detail::join_names(job_kinds()) + ")");
}

std::string read_name(const detail::Field& field) {
  std::string name = field.as_string();
  const bool ok = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
  if (!ok) field.fail("'" + name + "' may only contain letters, digits, '_', '.' and '-'");
  return name;
}

std::vector<std::string> read_symbols(const detail::Field& field) {
  if (field.is_scalar()) {
    if (field.as_string() != "all") field.fail("must be 'all' or a list of symbols (got '" + field.as_string() + "')");
    return {};  // empty selection = every symbol of the store
  }
  std::vector<std::string> out;
  const auto items = field.as_list();
  if (items.empty()) field.fail("must list at least one symbol (or be 'all')");
  for (const auto& item : items) {
    std::string symbol = item.as_string();
    if (std::find(out.begin(), out.end(), symbol) != out.end()) item.fail("symbol '" + symbol + "' listed twice");
    out.push_back(std::move(symbol));
  }
  return out;
}

void read_data(const detail::Field& field, SpecHeader& header) {
  const auto data = field.as_map({"file", "symbols", "start", "end"});
  header.data_file = data.required("file").as_string();
  if (auto symbols = data.optional("symbols")) header.data.symbols = read_symbols(*symbols);
  const auto start = data.optional("start");
  const auto end = data.optional("end");
  if (start) header.data.start = start->as_date();
  if (end) header.data.end = end->as_date();
  if (start && end && header.data.start > header.data.end)
    start->fail("must not be after data.end (" + end->as_string() + ")");
}

}  // namespace

namespace detail {

SpecHeader read_header(const YAML::Node& root, const std::string& origin) {
  SpecHeader header;
  header.kind = read_kind(root, origin);
  const auto top = root_reader(root, origin, top_level_keys(header.kind));
  header.name = read_name(top.required("name"));
  read_data(top.required("data"), header);
  const auto output = top.optional("output");
  header.output = output ? output->as_string() : "results/" + header.name + ".h5";
  if (auto seed = top.optional("seed")) header.seed = seed->as_uint();
  return header;
}

}  // namespace detail

SpecHeader parse_header(const std::string& spec_text, const std::string& origin) {
  return detail::read_header(detail::load_spec(spec_text, origin), origin);
}

}  // namespace qg::jobs
