// ServiceMeter: how rank 0's measured turns split into a cost per chunk, a cost per task and a
// round trip. Expected values are worked out by hand from the figures fed in.
#include <gtest/gtest.h>

#include "qg/coordinator/service_meter.hpp"

using qg::coordinator::ServiceMeter;

TEST(ServiceMeter, SplitsTurnsIntoPerChunkAndPerTaskCosts) {
  ServiceMeter m;
  // Two chunks: 4 tasks and 6 tasks, workers' 40 ms and 60 ms (10 ms per task).
  m.chunk(4, 40, 0.040);
  m.chunk(6, 60, 0.060);
  m.add(ServiceMeter::Part::kDecode, 2e-6);
  m.add(ServiceMeter::Part::kJournal, 8e-6);
  m.add(ServiceMeter::Part::kReduce, 20e-6);
  m.add(ServiceMeter::Part::kSend, 4e-6);
  m.turn(25e-6);
  m.turn(25e-6);
  const auto c = m.cost();
  // per task: (2 + 8 + 20) us / 10 tasks = 3 us; per chunk: (50 - 30) us / 2 chunks = 10 us.
  EXPECT_NEAR(c.per_task, 3e-6, 1e-15);
  EXPECT_NEAR(c.per_chunk, 10e-6, 1e-15);
  EXPECT_NEAR(m.task_seconds(), 0.010, 1e-15);  // 100 ms / 10 tasks
  EXPECT_EQ(c.round_trip, 0.0);                 // no chunk timed out and back
}

TEST(ServiceMeter, RoundTripIsTimeOutLessTheWorkersCompute) {
  ServiceMeter m;
  m.out_for(0.0105, 0.0100);  // 500 us beyond the worker's 10 ms
  m.out_for(0.0203, 0.0200);  // 300 us
  m.out_for(0.0010, 0.0020);  // the worker's clock ran ahead: counted as 0, not negative
  EXPECT_NEAR(m.cost().round_trip, (500e-6 + 300e-6) / 3, 1e-12);
}

TEST(ServiceMeter, StartStageForgetsEverything) {
  ServiceMeter m;
  m.chunk(4, 40, 0.040);
  m.turn(1e-3);
  m.out_for(1.0, 0.5);
  m.start_stage();
  const auto c = m.cost();
  EXPECT_EQ(c.per_chunk, 0.0);
  EXPECT_EQ(c.per_task, 0.0);
  EXPECT_EQ(c.round_trip, 0.0);
  EXPECT_EQ(m.task_seconds(), 0.0);
}
