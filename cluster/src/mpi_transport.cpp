// The only file that includes Boost.MPI: MPI lifetime, the job broadcast (Boost.Serialization)
// and the point-to-point byte transport (raw arrays of MPI_CHAR through the MPI C API, no
// serialization on the hot path).
#include "qg/cluster/mpi_transport.hpp"

#include <boost/mpi/collectives/broadcast.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <mpi.h>
#include <sched.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <list>
#include <string>
#include <thread>

#include "qg/cluster/mpi_launcher.hpp"
#include "qg/cluster/poll_backoff.hpp"
#include "qg/core/error.hpp"

namespace boost::serialization {

template <class Archive>
void serialize(Archive& ar, qg::SymbolBars& s, unsigned /*version*/) {
  ar& s.symbol& s.date& s.open& s.high& s.low& s.close& s.volume& s.real_fields;
}
template <class Archive>
void serialize(Archive& ar, qg::MarketData& d, unsigned /*version*/) {
  ar& d.symbols;
}
template <class Archive>
void serialize(Archive& ar, qg::StoreSymbol& s, unsigned /*version*/) {
  ar& s.symbol& s.first_row& s.rows& s.real_fields;
}
template <class Archive>
void serialize(Archive& ar, qg::StoreRef& r, unsigned /*version*/) {
  ar& r.path& r.sha256& r.size& r.mtime_ns& r.symbols;
}
template <class Archive>
void serialize(Archive& ar, qg::cluster::JobPayload& p, unsigned /*version*/) {
  ar& p.status& p.error_kind& p.error& p.spec_text& p.origin& p.data& p.store;
}

}  // namespace boost::serialization

namespace qg::cluster {
namespace mpi = boost::mpi;

namespace {

//! Throws ClusterError when an MPI call failed (Boost.MPI's environment makes MPI return errors
//! on MPI_COMM_WORLD instead of aborting).
void check(int rc, const char* call) {
  if (rc != MPI_SUCCESS) throw ClusterError(std::string(call) + " failed (MPI error " + std::to_string(rc) + ")");
}

//! Whether a request has completed (MPI_Test; a completed request is freed by MPI).
bool completed(MPI_Request& request) {
  int done = 0;
  check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test");
  return done != 0;
}

//! Waits once between two empty polls of something that began at `start`: yields the core or
//! sleeps, as `backoff` says.
void pause(PollBackoff& backoff, std::chrono::steady_clock::time_point start) {
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  const auto wait = backoff.next(elapsed);
  if (wait.count() == 0)
    sched_yield();  // returns at once when no other process wants this core
  else
    std::this_thread::sleep_for(wait);
}

//! A barrier that does not spin: a non-blocking barrier polled as a receive is.
void wait_for_every_rank(MPI_Comm comm) {
  MPI_Request arrived = MPI_REQUEST_NULL;
  check(MPI_Ibarrier(comm, &arrived), "MPI_Ibarrier");
  const auto start = std::chrono::steady_clock::now();
  PollBackoff backoff;
  while (!completed(arrived)) pause(backoff, start);
}

// Point-to-point messages go through the MPI C API on raw bytes: no serialization, no request
// handler allocated per message (boost::mpi::request holds one), and the message buffers and
// list nodes of completed sends and receives are kept for the next messages (a dispatch-bound
// run moves a few hundred thousand small messages a second).
class MpiTransport final : public Transport {
 public:
  explicit MpiTransport(mpi::communicator comm) : comm_(std::move(comm)) {}
  MpiTransport(const MpiTransport&) = delete;
  MpiTransport& operator=(const MpiTransport&) = delete;
  ~MpiTransport() override { finish_sends(); }

  int rank() const override { return comm_.rank(); }
  int size() const override { return comm_.size(); }

  // The workers reach the broadcast at once, rank 0 only after reading the data and planning the
  // job; Open MPI's blocking broadcast spins meanwhile, and with more ranks than cores the
  // spinning workers took the core rank 0 needed for that set-up. So every rank first waits in a
  // non-blocking barrier, polled as a receive is (PollBackoff: yield, then sleep), and enters the
  // broadcast when all are there.
  void share_job(JobPayload& payload) override {
    wait_for_every_rank(comm_);
    mpi::broadcast(comm_, payload, 0);
  }

  // Sends a copy with MPI_Isend and returns: a large message goes out in fragments once its
  // receiver takes it, and a receiver that is gone (its host lost) would hold a blocking send
  // forever. Pending sends progress in every later send() and receive() and are completed, for
  // a few seconds at most, when the transport is destroyed.
  void send(int dest, Tag tag, std::span<const char> bytes) override {
    PendingSend& p = new_send();
    p.bytes.assign(bytes.begin(), bytes.end());  // into a kept buffer: no allocation once warm
    start_send(p, dest, tag);
  }

  // The buffer is kept until its send completes: a worker's result (megabytes) is not copied.
  // `bytes` comes back empty, holding the buffer of an earlier completed send when there is one.
  void send_owned(int dest, Tag tag, std::vector<char>&& bytes) override {
    PendingSend& p = new_send();
    std::swap(p.bytes, bytes);
    bytes.clear();
    start_send(p, dest, tag);
  }

  // Polls instead of a blocking receive: Open MPI's blocking calls spin, and with more ranks
  // than cores a spinning coordinator steals a worker's core. Between polls it yields the core
  // for 250 us (replies to small chunks come that fast; sleeping costs a timer slack of ~60 us
  // per round trip), then sleeps with a growing pause, up to 1 ms, while long chunks run
  // (PollBackoff says why there is no phase of polling without yielding). A probed message is
  // received with MPI_Irecv, never a blocking receive: a large message comes in fragments, and
  // when its sender stops half-way (its host was lost) the rest never arrives; it then stays
  // pending, and messages of other ranks still come.
  bool receive(Envelope& into, std::chrono::microseconds timeout) override {
    const auto start = std::chrono::steady_clock::now();
    PollBackoff backoff;
    for (;;) {
      reap_sends();
      post_probed();
      if (take_completed(into)) return true;
      if (std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start) >= timeout)
        return false;  // in microseconds: kWaitForever in nanoseconds would overflow
      pause(backoff, start);
    }
  }

  TransportStats stats() const override { return stats_; }

 private:
  //! A message whose receive is posted: it completes when all its fragments have arrived.
  struct PendingReceive {
    int source = -1;
    int tag = 0;
    std::vector<char> bytes;
    MPI_Request request = MPI_REQUEST_NULL;
  };

  //! A message being sent: MPI reads its buffer until the request completes.
  struct PendingSend {
    std::vector<char> bytes;
    MPI_Request request = MPI_REQUEST_NULL;
  };

  //! Posts an MPI_Irecv for every message that has arrived (at least its first fragment).
  void post_probed() {
    for (;;) {
      int found = 0;
      MPI_Status status;
      check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_, &found, &status), "MPI_Iprobe");
      if (found == 0) return;
      int count = 0;
      check(MPI_Get_count(&status, MPI_CHAR, &count), "MPI_Get_count");
      PendingReceive& p = reuse_node(pending_, spare_receives_);
      p.source = status.MPI_SOURCE;
      p.tag = status.MPI_TAG;
      p.bytes.resize(static_cast<std::size_t>(count));  // a kept buffer: no allocation once warm
      check(MPI_Irecv(p.bytes.data(), count, MPI_CHAR, p.source, p.tag, comm_, &p.request), "MPI_Irecv");
    }
  }

  //! The oldest complete message whose sender has no older message still incomplete (each
  //! rank's messages are handed over in the order it sent them). The envelope's previous buffer
  //! is kept for a later message.
  bool take_completed(Envelope& into) {
    waiting_.clear();  // sources with an older message still incomplete
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      const bool blocked = std::find(waiting_.begin(), waiting_.end(), it->source) != waiting_.end();
      if (blocked || !completed(it->request)) {
        waiting_.push_back(it->source);
        continue;
      }
      into.source = it->source;
      into.tag = static_cast<Tag>(it->tag);
      std::swap(into.bytes, it->bytes);
      ++stats_.messages_received;
      stats_.bytes_received += into.bytes.size();
      keep_node(pending_, it, spare_receives_);
      return true;
    }
    return false;
  }

  //! A node for a new send. Earlier sends are reaped first (their nodes become spares); the new
  //! one is not tested until the next call: testing a request that has not completed yet makes
  //! Open MPI yield the core when ranks outnumber cores (mpi_yield_when_idle).
  PendingSend& new_send() {
    reap_sends();
    return reuse_node(sends_, spare_sends_);
  }

  void start_send(PendingSend& p, int dest, Tag tag) {
    check(MPI_Isend(p.bytes.data(), static_cast<int>(p.bytes.size()), MPI_CHAR, dest, static_cast<int>(tag), comm_,
                    &p.request),
          "MPI_Isend");
    ++stats_.messages_sent;
    stats_.bytes_sent += p.bytes.size();
  }

  void reap_sends() {
    for (auto it = sends_.begin(); it != sends_.end();) {
      auto next = std::next(it);
      if (completed(it->request)) keep_node(sends_, it, spare_sends_);
      it = next;
    }
  }

  //! A node appended to `live`: a kept one from `spare` (with its buffer) when there is one.
  template <class Node>
  static Node& reuse_node(std::list<Node>& live, std::list<Node>& spare) {
    if (spare.empty()) return live.emplace_back();
    live.splice(live.end(), spare, spare.begin());
    return live.back();
  }

  //! Moves a finished node from `live` to `spare`, keeping its buffer when it is at most
  //! kSpareBytes (a large chunk's buffer is freed: spares must not hold megabytes), unless `spare`
  //! already holds kSpareNodes (then the node and its buffer are freed).
  template <class Node>
  static void keep_node(std::list<Node>& live, typename std::list<Node>::iterator it, std::list<Node>& spare) {
    if (spare.size() >= kSpareNodes) {
      live.erase(it);
      return;
    }
    if (it->bytes.capacity() > kSpareBytes) std::vector<char>().swap(it->bytes);
    it->bytes.clear();
    spare.splice(spare.begin(), live, it);
  }

  //! Waits up to kFinishSends for the pending sends; what is left then (sends to a rank that
  //! is gone) is abandoned with its buffer, which lives on until the process exits.
  void finish_sends() {
    const auto deadline = std::chrono::steady_clock::now() + kFinishSends;
    try {
      for (reap_sends(); !sends_.empty() && std::chrono::steady_clock::now() < deadline; reap_sends())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    } catch (const ClusterError&) {  // a destructor does not throw: what is left is abandoned below
    }
    static std::list<PendingSend> abandoned;
    abandoned.splice(abandoned.end(), sends_);
  }

  static constexpr auto kFinishSends = std::chrono::seconds(5);
  static constexpr std::size_t kSpareNodes = 8;  // per list: a worker's pipeline holds a few messages
  static constexpr std::size_t kSpareBytes = std::size_t{1} << 16;  // the largest buffer a spare keeps

  mpi::communicator comm_;
  std::list<PendingReceive> pending_;  // list: MPI writes into each element's buffer in place
  std::list<PendingSend> sends_;       // and reads from these
  std::list<PendingReceive> spare_receives_;
  std::list<PendingSend> spare_sends_;
  std::vector<int> waiting_;  // take_completed()'s scratch
  TransportStats stats_;
};

//! MPI's lifetime: MPI_Init in the constructor (boost::mpi::environment), MPI_Finalize when
//! destroyed, unless the process leaves without it.
class BoostMpiSession final : public MpiSession {
 public:
  BoostMpiSession(int& argc, char**& argv) : env_(argc, argv, mpi::threading::funneled, false) {}
  BoostMpiSession(const BoostMpiSession&) = delete;
  BoostMpiSession& operator=(const BoostMpiSession&) = delete;
  //! The workers are done long before rank 0 has committed the run file, and MPI_Finalize (in
  //! ~environment) spins until every rank is in it: they wait in a barrier that sleeps first,
  //! leaving the cores to rank 0's commit.
  ~BoostMpiSession() override {
    try {
      wait_for_every_rank(world_);
    } catch (const std::exception& e) {
      spdlog::warn("before MPI_Finalize: {}", e.what());
    }
  }

  int rank() const override { return world_.rank(); }
  int size() const override { return world_.size(); }
  std::unique_ptr<Transport> world_transport() override { return std::make_unique<MpiTransport>(world_); }

 private:
  void end_job(int code) override {
    world_.abort(code);
    std::abort();  // not reached: MPI_Abort does not return
  }

  void exit_without_finalize(int code) override {
    spdlog::default_logger()->flush();
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    std::_Exit(code);  // no destructor runs: ~environment would call MPI_Finalize
  }

  mpi::environment env_;
  mpi::communicator world_;
};

}  // namespace

std::unique_ptr<MpiSession> open_mpi_session(int& argc, char**& argv) {
  for (const auto& [name, value] : open_mpi_mca_defaults([](const char* n) -> const char* { return std::getenv(n); }))
    setenv(name.c_str(), value.c_str(), 0);  // read by MPI_Init, below
  return std::make_unique<BoostMpiSession>(argc, argv);
}

}  // namespace qg::cluster
