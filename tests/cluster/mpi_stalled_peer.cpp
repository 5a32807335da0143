// MpiTransport with a peer that stops half-way through a large message, as one whose host was
// lost does (here it sleeps 3 s without calling MPI, so the rest of the message waits for it).
// Run under mpiexec -n 3 --mca btl tcp,self: over shared memory the other side could copy the
// data without the stalled rank's help.
// Expected when rank 1 stalls after starting an MPI_Isend of 4 MiB to rank 0: no receive() call
// on rank 0 outlasts its 100 ms timeout by more than 1 s; the small message rank 2 sends after
// 1 s arrives first; the stalled message arrives later, whole (its bytes are the pattern below).
// Expected when rank 0 sends 4 MiB to rank 1 while rank 1 sleeps: send() returns within 1 s,
// and rank 1 receives the message whole once it wakes.
#include <gtest/gtest.h>
#include <mpi.h>

#include <chrono>
#include <thread>

#include "qg/cluster/mpi_transport.hpp"

namespace qg::cluster {
namespace {

Transport* g_world = nullptr;
constexpr std::size_t kBig = std::size_t{4} << 20;
constexpr auto kStall = std::chrono::seconds(3);

std::vector<char> pattern(std::size_t n) {
  std::vector<char> bytes(n);
  for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>((i * 31) % 251);
  return bytes;
}

//! Every worker rank sends rank 0 a small message first, so that its TCP connection is up (Open
//! MPI connects on the first send, and a connection being made also waits for the sender).
void connect_to_rank0() {
  const std::vector<char> hello = {'h', 'i'};
  if (g_world->rank() > 0) g_world->send(0, Tag::kAssign, hello);
  if (g_world->rank() != 0) return;
  for (int i = 1; i < g_world->size(); ++i) {
    Envelope e;
    ASSERT_TRUE(g_world->receive(e, std::chrono::seconds(30)));
    ASSERT_EQ(e.tag, Tag::kAssign);
  }
}

void stalled_sender() {
  const auto bytes = pattern(kBig);
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Isend(bytes.data(), static_cast<int>(kBig), MPI_CHAR, 0, static_cast<int>(Tag::kResult), MPI_COMM_WORLD,
            &request);
  std::this_thread::sleep_for(kStall);  // no MPI call: the rest of the message waits
  MPI_Wait(&request, MPI_STATUS_IGNORE);
}

void late_small_sender() {
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const std::vector<char> bytes = {'o', 'k'};
  g_world->send(0, Tag::kResult, bytes);
}

void receiver() {
  std::vector<int> order;
  Envelope big;
  double longest = 0.0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (order.size() < 2 && std::chrono::steady_clock::now() < give_up) {
    Envelope e;
    const auto start = std::chrono::steady_clock::now();
    const bool got = g_world->receive(e, std::chrono::milliseconds(100));
    longest = std::max(longest, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!got) continue;
    order.push_back(e.source);
    if (e.source == 1) big = std::move(e);
  }
  EXPECT_LT(longest, 1.1) << "a receive() call waited for the stalled message";
  ASSERT_EQ(order, (std::vector<int>{2, 1})) << "rank 2's message should come while rank 1's is stalled";
  EXPECT_EQ(big.tag, Tag::kResult);
  EXPECT_EQ(big.bytes, pattern(kBig));
}

void send_to_stalled_receiver() {
  const auto start = std::chrono::steady_clock::now();
  g_world->send(1, Tag::kAssign, pattern(kBig));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(took, 1.0) << "send() waited for the stalled receiver";
  Envelope ack;  // receiving also moves the pending send along
  ASSERT_TRUE(g_world->receive(ack, std::chrono::seconds(60)));
  EXPECT_EQ(ack.source, 1);
  EXPECT_EQ(ack.bytes, std::vector<char>({'o', 'k'}));
}

void stalled_receiver() {
  std::this_thread::sleep_for(kStall);  // no MPI call: the message waits
  Envelope e;
  ASSERT_TRUE(g_world->receive(e, std::chrono::seconds(60)));
  EXPECT_EQ(e.source, 0);
  EXPECT_EQ(e.tag, Tag::kAssign);
  EXPECT_EQ(e.bytes, pattern(kBig));
  g_world->send(0, Tag::kResult, std::vector<char>({'o', 'k'}));
}

TEST(MpiStalledPeer, SendToAStalledReceiverReturnsAndTheMessageComesWhole) {
  ASSERT_EQ(g_world->size(), 3) << "run with mpiexec -n 3";
  connect_to_rank0();
  if (g_world->rank() == 0) send_to_stalled_receiver();
  if (g_world->rank() == 1) stalled_receiver();
  MPI_Barrier(MPI_COMM_WORLD);  // no message of this case reaches the next one
}

TEST(MpiStalledPeer, OtherRanksStillArriveAndTheStalledMessageComesWhole) {
  ASSERT_EQ(g_world->size(), 3) << "run with mpiexec -n 3";
  connect_to_rank0();
  if (g_world->rank() == 0) receiver();
  if (g_world->rank() == 1) stalled_sender();
  if (g_world->rank() == 2) late_small_sender();
  MPI_Barrier(MPI_COMM_WORLD);
}

}  // namespace
}  // namespace qg::cluster

int main(int argc, char** argv) {
  const auto session = qg::cluster::open_mpi_session(argc, argv);
  const auto world = session->world_transport();
  qg::cluster::g_world = world.get();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();  // every rank reports its own checks; mpiexec fails when any rank fails
}
