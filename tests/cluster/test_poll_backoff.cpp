// PollBackoff: the waits of a polling receive, against the schedule written out by hand.
#include <gtest/gtest.h>

#include "qg/cluster/poll_backoff.hpp"

using qg::cluster::PollBackoff;
using Micros = PollBackoff::Micros;

TEST(PollBackoff, YieldsFromTheFirstPollUntilTheYieldPhaseEnds) {
  PollBackoff backoff;                            // 250 us of yields, then sleeps of 20, 40, ... up to 1000 us
  EXPECT_EQ(backoff.next(Micros{0}), Micros{0});  // no phase of polling without yielding
  EXPECT_EQ(backoff.next(Micros{1}), Micros{0});
  EXPECT_EQ(backoff.next(Micros{249}), Micros{0});
  EXPECT_EQ(backoff.next(Micros{250}), Micros{20});
}

TEST(PollBackoff, SleepsGrowByOneStepUpToTheLongestPause) {
  PollBackoff backoff(Micros{10}, Micros{300}, Micros{1000});
  EXPECT_EQ(backoff.next(Micros{5}), Micros{0});
  // Hand-computed: 300, 600, 900, then min(1000, 1200) = 1000 from there on.
  EXPECT_EQ(backoff.next(Micros{10}), Micros{300});
  EXPECT_EQ(backoff.next(Micros{400}), Micros{600});
  EXPECT_EQ(backoff.next(Micros{1100}), Micros{900});
  EXPECT_EQ(backoff.next(Micros{2100}), Micros{1000});
  EXPECT_EQ(backoff.next(Micros{3200}), Micros{1000});
}

TEST(PollBackoff, EachReceiveStartsItsOwnSchedule) {
  PollBackoff first;
  first.next(Micros{300});
  first.next(Micros{400});  // 20, then 40
  PollBackoff second;
  EXPECT_EQ(second.next(Micros{0}), Micros{0});
  EXPECT_EQ(second.next(Micros{300}), Micros{20});
}
