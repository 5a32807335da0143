#pragma once
// The block sums of a data-parallel fit added across the ranks of a Transport (MPI or
// in-process): every rank sends its blocks' sums to rank 0, rank 0 puts them in rank order (the
// shards are contiguous runs of blocks ascending with the rank, so this is block order), adds
// them block by block from zero, and sends the total back to every rank. The total is the same
// bits at any rank count. Only kReduce messages may be in flight while it runs: the
// coordinator and its workers use it for a job's collective tasks (qg/jobs/collective_tasks.hpp).
#include "qg/cluster/transport.hpp"
#include "qg/jobs/block_reduction.hpp"

namespace qg::worker {

class TransportBlockReduction final : public jobs::BlockReduction {
 public:
  explicit TransportBlockReduction(cluster::Transport& transport) : transport_(transport) {}
  std::vector<double> sum_blocks(std::span<const double> mine, std::size_t width) override;

 private:
  //! Rank 0: every rank's blocks, in rank order.
  std::vector<double> gather(std::span<const double> mine);
  //! The next kReduce message's doubles (and its source).
  std::vector<double> receive_doubles(int& source);
  void send_doubles(int dest, std::span<const double> values);

  cluster::Transport& transport_;
  cluster::Envelope envelope_;
};

}  // namespace qg::worker
