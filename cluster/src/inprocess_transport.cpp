#include "qg/cluster/inprocess_transport.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "qg/core/error.hpp"

namespace qg::cluster {
namespace {

//! Messages addressed to one rank.
struct Mailbox {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<Envelope> queue;
};

//! State shared by the endpoints of one in-process world.
struct Hub {
  explicit Hub(int size) : boxes(static_cast<std::size_t>(size)) {}
  std::vector<Mailbox> boxes;
  std::mutex job_mutex;
  std::condition_variable job_ready;
  bool job_shared = false;
  JobPayload job;
};

constexpr auto kSpin = std::chrono::microseconds(1000);

class InProcessTransport final : public Transport {
 public:
  InProcessTransport(std::shared_ptr<Hub> hub, int rank) : hub_(std::move(hub)), rank_(rank) {}

  int rank() const override { return rank_; }
  int size() const override { return static_cast<int>(hub_->boxes.size()); }

  void share_job(JobPayload& payload) override {
    std::unique_lock lock(hub_->job_mutex);
    if (rank_ == 0) {
      hub_->job = payload;
      hub_->job_shared = true;
      hub_->job_ready.notify_all();
      return;
    }
    hub_->job_ready.wait(lock, [&] { return hub_->job_shared; });
    payload = hub_->job;
  }

  void send(int dest, Tag tag, std::span<const char> bytes) override {
    send_owned(dest, tag, std::vector<char>(bytes.begin(), bytes.end()));
  }

  void send_owned(int dest, Tag tag, std::vector<char>&& bytes) override {
    if (dest < 0 || dest >= size()) throw ClusterError("send to a rank that does not exist: " + std::to_string(dest));
    auto& box = hub_->boxes[static_cast<std::size_t>(dest)];
    const std::size_t n = bytes.size();
    {
      std::lock_guard lock(box.mutex);
      box.queue.push_back(Envelope{rank_, tag, std::move(bytes)});
    }
    box.ready.notify_one();
    ++stats_.messages_sent;
    stats_.bytes_sent += n;
  }

  // Polls the mailbox, yielding the core between polls, for up to 1 ms before sleeping on the
  // condition variable: a reply to a small chunk comes within microseconds, and waking a thread
  // that slept costs 100 us and more on a VM whose idle core has halted. With 50 us, 20,000
  // one-task chunks slept 150-1,070 times a run and ran at 62,000-110,000 tasks/s; with 1 ms,
  // 33-85 times and 104,000-114,000/s (docs/performance.md, section 3). A yield gives the core
  // to any thread that wants it, so the workers of a busy process lose nothing to it.
  bool receive(Envelope& into, std::chrono::microseconds timeout) override {
    auto& box = hub_->boxes[static_cast<std::size_t>(rank_)];
    const auto spin_until = std::chrono::steady_clock::now() + std::min(timeout, kSpin);
    std::unique_lock lock(box.mutex);
    while (box.queue.empty() && std::chrono::steady_clock::now() < spin_until) {
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
    }
    if (!box.ready.wait_for(lock, timeout, [&] { return !box.queue.empty(); })) return false;
    into = std::move(box.queue.front());
    box.queue.pop_front();
    ++stats_.messages_received;
    stats_.bytes_received += into.bytes.size();
    return true;
  }

  TransportStats stats() const override { return stats_; }

 private:
  std::shared_ptr<Hub> hub_;
  int rank_;
  TransportStats stats_;
};

}  // namespace

std::vector<std::unique_ptr<Transport>> make_inprocess_transports(int size) {
  if (size < 1) throw ClusterError("an in-process world needs at least one rank");
  auto hub = std::make_shared<Hub>(size);
  std::vector<std::unique_ptr<Transport>> out;
  for (int r = 0; r < size; ++r) out.push_back(std::make_unique<InProcessTransport>(hub, r));
  return out;
}

}  // namespace qg::cluster
