// Suggestions for mistyped subcommands and options. Expected distances are counted by hand.
#include <gtest/gtest.h>

#include "did_you_mean.hpp"

namespace qg::app {
namespace {

TEST(EditDistance, HandCountedCases) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);  // three insertions
  EXPECT_EQ(edit_distance("run", "run"), 0u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // k->s, e->i, +g
  EXPECT_EQ(edit_distance("rnu", "run"), 1u);         // one swap of neighbours
  EXPECT_EQ(edit_distance("ca", "abc"), 3u);          // OSA: a swapped pair is not edited again
  EXPECT_EQ(edit_distance("overwrte", "overwrite"), 1u);
  EXPECT_EQ(edit_distance("results", "resluts"), 1u);
}

TEST(EditDistance, IsSymmetric) {
  for (const auto& [a, b] : {std::pair{"import", "imprt"}, {"generate", "genrate"}, {"abc", "ca"}})
    EXPECT_EQ(edit_distance(a, b), edit_distance(b, a)) << a << " " << b;
}

const std::vector<std::string> kTopLevel{"run", "data", "results", "keys", "approve", "promote", "live", "feed"};

TEST(ClosestMatch, SuggestsTheNearestCommand) {
  EXPECT_EQ(closest_match("rnu", kTopLevel), "run");
  EXPECT_EQ(closest_match("resluts", kTopLevel), "results");
  EXPECT_EQ(closest_match("approv", kTopLevel), "approve");
  EXPECT_EQ(closest_match("lvie", kTopLevel), "live");
}

TEST(ClosestMatch, NothingWhenNotATypo) {
  EXPECT_EQ(closest_match("xyzzy", kTopLevel), std::nullopt);  // 4 or more from every name
  EXPECT_EQ(closest_match("a", kTopLevel), std::nullopt);      // one letter is no typo of anything
  EXPECT_EQ(closest_match("run", {}), std::nullopt);
}

TEST(ClosestMatch, OptionsCompareWithoutDashes) {
  const std::vector<std::string> options{"--help", "-h", "--output", "-o", "--overwrite", "--resume"};
  EXPECT_EQ(closest_match("--overwrte", options), "--overwrite");
  EXPECT_EQ(closest_match("--resmue", options), "--resume");
  EXPECT_EQ(closest_match("-x", options), std::nullopt);  // "x" vs "h": one edit, but the whole word
}

TEST(ClosestMatch, LongWordsAllowAThird) {
  // "parametrisation" (15 letters) may be 5 edits away; 6 is too many.
  EXPECT_EQ(closest_match("parametrisation", {"parameterization"}), "parameterization");  // 2 edits
  EXPECT_EQ(closest_match("aaaaaaaaaaaaaaa", {"aaaaaaaaaabbbbb"}), "aaaaaaaaaabbbbb");    // 5 edits
  EXPECT_EQ(closest_match("aaaaaaaaaaaaaaa", {"aaaaaaaaabbbbbb"}), std::nullopt);         // 6 edits
}

}  // namespace
}  // namespace qg::app
