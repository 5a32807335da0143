#pragma once
// How bytes move between the coordinator (rank 0) and the workers (ranks >= 1). What is
// communicated lives in messages.hpp; a Transport only moves tagged byte buffers.
#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "qg/cluster/messages.hpp"

namespace qg::cluster {

//! kReduce: a data-parallel fit's block sums (jobs' BlockReduction over a Transport).
enum class Tag : int { kAssign = 11, kResult = 12, kReduce = 13 };

//! A receive timeout that never expires in practice.
inline constexpr std::chrono::microseconds kWaitForever = std::chrono::hours(24 * 365);

//! A received message: who sent it, its tag and its bytes.
struct Envelope {
  int source = -1;
  Tag tag = Tag::kAssign;
  std::vector<char> bytes;
};

//! Counters kept by every transport and logged at shutdown.
struct TransportStats {
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  //! On entry on rank 0: `payload` holds the job. On exit on every rank: the same job.
  //! Collective: every rank calls it once, before any send().
  virtual void share_job(JobPayload& payload) = 0;
  //! Sends a message; returns once `bytes` may be reused.
  virtual void send(int dest, Tag tag, std::span<const char> bytes) = 0;
  //! Sends a message whose buffer the transport may keep (an in-process transport hands it to
  //! the receiver without a copy); `bytes` is left empty (possibly holding a buffer the transport
  //! hands back for reuse) or unchanged. By default: send().
  virtual void send_owned(int dest, Tag tag, std::vector<char>&& bytes) { send(dest, tag, bytes); }
  //! Waits up to `timeout` for the next message addressed to this rank. Returns false on
  //! timeout; otherwise fills `into` (reusing its buffer).
  virtual bool receive(Envelope& into, std::chrono::microseconds timeout) = 0;
  virtual TransportStats stats() const = 0;
};

}  // namespace qg::cluster
