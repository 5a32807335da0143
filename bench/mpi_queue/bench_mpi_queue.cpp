// The raw Boost.MPI work queue: the reference the dispatch benchmarks compare quantgrid with.
// Rank 0 answers each worker's request with the next task id (an int; -1 stops it); a worker
// replies to every task with `reply_bytes` bytes at once (no work). Blocking sends and receives,
// as a plain MPI program would write them.
//   mpiexec -n K bench_mpi_queue TASKS [REPLY_BYTES]    prints "round_trips_per_s R"
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace mpi = boost::mpi;

namespace {

constexpr int kTag = 1;

double serve(const mpi::communicator& world, int tasks, int reply_bytes) {
  std::vector<char> reply(static_cast<std::size_t>(reply_bytes) + 1);
  const auto start = std::chrono::steady_clock::now();
  int next = 0;
  int stopped = 0;
  while (stopped < world.size() - 1) {
    const auto status = world.recv(mpi::any_source, kTag, reply.data(), static_cast<int>(reply.size()));
    const int task = next < tasks ? next++ : -1;
    stopped += task < 0 ? 1 : 0;
    world.send(status.source(), kTag, task);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void work(const mpi::communicator& world, int reply_bytes) {
  std::vector<char> reply(static_cast<std::size_t>(reply_bytes) + 1, 'x');
  for (int task = 0; task >= 0;) {
    world.send(0, kTag, reply.data(), static_cast<int>(reply.size()));
    world.recv(0, kTag, task);
  }
}

}  // namespace

int main(int argc, char** argv) {
  mpi::environment env(argc, argv);
  mpi::communicator world;
  const int tasks = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int reply_bytes = argc > 2 ? std::atoi(argv[2]) : 0;
  if (world.size() < 2 || tasks <= 0 || reply_bytes < 0) {
    if (world.rank() == 0) std::fprintf(stderr, "usage: mpiexec -n K (K >= 2) bench_mpi_queue TASKS [REPLY_BYTES]\n");
    return 1;
  }
  if (world.rank() != 0) {
    work(world, reply_bytes);
    return 0;
  }
  const double seconds = serve(world, tasks, reply_bytes);
  std::printf("round_trips_per_s %.0f\n", tasks / seconds);
  return 0;
}
