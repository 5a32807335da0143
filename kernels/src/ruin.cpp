#include "qg/kernels/ruin.hpp"

namespace qg::kernels {

double net_after_ruin(double net, bool& ruined) {
  if (ruined) return 0.0;
  ruined = net <= -1.0;
  return ruined ? -1.0 : net;
}

std::size_t apply_ruin(std::span<double> net) {
  bool ruined = false;
  std::size_t ruin_bar = net.size();
  for (std::size_t t = 0; t < net.size(); ++t) {
    const bool before = ruined;
    net[t] = net_after_ruin(net[t], ruined);
    if (ruined && !before) ruin_bar = t;
  }
  return ruin_bar;
}

}  // namespace qg::kernels
