#include "qg/results/approvals.hpp"

#include <algorithm>
#include <cstdio>

#include "h5.hpp"
#include "qg/core/error.hpp"
#include "qg/results/run_file.hpp"
#include "qg/core/sha256.hpp"

namespace qg::results {
namespace {

constexpr const char* kApprovals = "/approvals";

}  // namespace

void append_approval(const std::filesystem::path& run, const std::string& name, const std::string& record) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    throw DataError("approval name '" + name + "' is not a valid HDF5 name");
  RunReader::open(run);  // refuses files that are not quantgrid run files
  const std::filesystem::path tmp = run.string() + ".approval.tmp";
  std::filesystem::copy_file(run, tmp, std::filesystem::copy_options::overwrite_existing);
  try {
    h5::QuietErrors quiet;
    h5::Handle file = h5::open_file(tmp, true);
    const std::string group = h5::join(kApprovals, name);
    if (h5::exists(file.get(), group)) throw DataError(run.string() + ": " + group + " exists already");
    h5::Handle g = h5::require_group(file.get(), group, h5::where(tmp, group));
    h5::write_attribute(g.get(), "record", record, h5::where(tmp, group));
    h5::write_attribute(g.get(), "record_sha256", sha256_hex(record), h5::where(tmp, group));
    g.close();
    h5::close_file(file, tmp);
    h5::sync_file(tmp);
    h5::rename_file(tmp, run);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
}

std::vector<std::pair<std::string, std::string>> read_approvals(const std::filesystem::path& run) {
  h5::QuietErrors quiet;
  h5::Handle file = h5::open_file(run, false);
  std::vector<std::pair<std::string, std::string>> out;
  if (!h5::exists(file.get(), kApprovals)) return out;
  h5::Handle group = h5::open_object(file.get(), kApprovals, h5::where(run));
  hsize_t n = 0;
  H5Gget_num_objs(group.get(), &n);
  for (hsize_t i = 0; i < n; ++i) {
    char name[256];
    H5Gget_objname_by_idx(group.get(), i, name, sizeof name);
    h5::Handle g = h5::open_object(file.get(), h5::join(kApprovals, name), h5::where(run));
    const auto text = h5::read_string_attribute(g.get(), "record", h5::where(run, h5::join(kApprovals, name)));
    out.emplace_back(name, text.value_or(""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace qg::results
