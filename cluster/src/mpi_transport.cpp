// The only file that includes Boost.MPI: MPI lifetime, the job broadcast (Boost.Serialization)
// and the point-to-point byte transport (raw arrays of MPI_CHAR, no serialization on the
// hot path).
#include "qg/cluster/mpi_transport.hpp"

#include <boost/mpi/collectives/broadcast.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <sched.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

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
void serialize(Archive& ar, qg::cluster::JobPayload& p, unsigned /*version*/) {
  ar& p.status& p.error_kind& p.error& p.spec_text& p.origin& p.data;
}

}  // namespace boost::serialization

namespace qg::cluster {
namespace mpi = boost::mpi;

namespace {

class MpiTransport final : public Transport {
 public:
  explicit MpiTransport(mpi::communicator comm) : comm_(std::move(comm)) {}

  int rank() const override { return comm_.rank(); }
  int size() const override { return comm_.size(); }

  void share_job(JobPayload& payload) override { mpi::broadcast(comm_, payload, 0); }

  void send(int dest, Tag tag, std::span<const char> bytes) override {
    comm_.send(dest, static_cast<int>(tag), bytes.data(), static_cast<int>(bytes.size()));
    ++stats_.messages_sent;
    stats_.bytes_sent += bytes.size();
  }

  // Polls instead of a blocking receive: Open MPI's blocking calls spin, and with more ranks
  // than cores a spinning coordinator steals a worker's core. It polls for 50 us, then polls
  // and yields the core for 200 us (replies to small chunks come that fast; sleeping costs a
  // timer slack of ~60 us per round trip), then sleeps with a growing pause, up to 1 ms, while
  // long chunks run.
  bool receive(Envelope& into, std::chrono::microseconds timeout) override {
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + timeout;
    const auto spin_until = start + std::chrono::microseconds(50);
    const auto yield_until = start + std::chrono::microseconds(250);
    auto pause = std::chrono::microseconds(0);
    for (;;) {
      if (auto status = comm_.iprobe(mpi::any_source, mpi::any_tag)) {
        const int n = status->count<char>().value_or(0);
        into.bytes.resize(static_cast<std::size_t>(n));
        comm_.recv(status->source(), status->tag(), into.bytes.data(), n);
        into.source = status->source();
        into.tag = static_cast<Tag>(status->tag());
        ++stats_.messages_received;
        stats_.bytes_received += static_cast<std::uint64_t>(n);
        return true;
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      if (now < spin_until) {
        continue;  // replies to small chunks come within microseconds: plain polling
      } else if (now < yield_until) {
        sched_yield();  // let a rank sharing this core run (more ranks than cores)
      } else {
        pause = std::min(std::chrono::microseconds(1000), pause + std::chrono::microseconds(20));
        std::this_thread::sleep_for(pause);
      }
    }
  }

  TransportStats stats() const override { return stats_; }

 private:
  mpi::communicator comm_;
  TransportStats stats_;
};

}  // namespace

struct MpiSession::Impl {
  Impl(int& argc, char**& argv) : env(argc, argv, mpi::threading::funneled, false) {}
  mpi::environment env;
  mpi::communicator world;
};

MpiSession::MpiSession(int& argc, char**& argv) : impl_(std::make_unique<Impl>(argc, argv)) {}
MpiSession::~MpiSession() = default;
int MpiSession::rank() const { return impl_->world.rank(); }
int MpiSession::size() const { return impl_->world.size(); }
std::unique_ptr<Transport> MpiSession::world_transport() { return std::make_unique<MpiTransport>(impl_->world); }
void MpiSession::abort(int code) {
  impl_->world.abort(code);
  std::abort();  // not reached: MPI_Abort does not return
}

void MpiSession::leave_without_finalize(int code) {
  spdlog::default_logger()->flush();
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);  // no destructor runs: ~environment would call MPI_Finalize
}

}  // namespace qg::cluster
