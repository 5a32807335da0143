#include "qg/worker/transport_block_reduction.hpp"

#include <cstring>

#include "qg/core/error.hpp"

namespace qg::worker {

std::vector<double> TransportBlockReduction::sum_blocks(std::span<const double> mine, std::size_t width) {
  if (transport_.rank() != 0) {
    send_doubles(0, mine);
    int source = -1;
    return receive_doubles(source);
  }
  const std::vector<double> total = jobs::add_in_block_order(gather(mine), width);
  for (int r = 1; r < transport_.size(); ++r) send_doubles(r, total);
  return total;
}

std::vector<double> TransportBlockReduction::gather(std::span<const double> mine) {
  std::vector<std::vector<double>> by_rank(static_cast<std::size_t>(transport_.size()));
  by_rank[0].assign(mine.begin(), mine.end());
  for (int k = 1; k < transport_.size(); ++k) {
    int source = -1;
    std::vector<double> blocks = receive_doubles(source);
    QG_CHECK(source > 0 && by_rank[static_cast<std::size_t>(source)].empty(), "block sums from an unexpected rank");
    by_rank[static_cast<std::size_t>(source)] = std::move(blocks);
  }
  std::vector<double> all;
  for (const auto& blocks : by_rank) all.insert(all.end(), blocks.begin(), blocks.end());
  return all;
}

std::vector<double> TransportBlockReduction::receive_doubles(int& source) {
  while (!transport_.receive(envelope_, cluster::kWaitForever)) {}
  QG_CHECK(envelope_.tag == cluster::Tag::kReduce && envelope_.bytes.size() % sizeof(double) == 0,
           "a data-parallel fit received a message that is not block sums");
  source = envelope_.source;
  std::vector<double> values(envelope_.bytes.size() / sizeof(double));
  if (!values.empty()) std::memcpy(values.data(), envelope_.bytes.data(), envelope_.bytes.size());
  return values;
}

void TransportBlockReduction::send_doubles(int dest, std::span<const double> values) {
  transport_.send(dest, cluster::Tag::kReduce,
                  {reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double)});
}

}  // namespace qg::worker
