#pragma once
// Suggestions for mistyped subcommands and options ("did you mean run?").
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qg::app {

//! Optimal-string-alignment distance: the fewest insertions, deletions, substitutions and
//! swaps of two adjacent characters (each costs 1) that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

//! The candidate nearest to `word` when `word` looks like a typo of it: a distance of at most
//! max(2, a third of the word's length), and less than the word's length. Leading dashes are
//! ignored in the comparison (so `-x` is no typo of `-h`). The first of equally near
//! candidates wins; none when nothing is near enough.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace qg::app
