#include "live_module.hpp"

#include "qg/cluster/runtime_module.hpp"

namespace qg::app {

const LiveCommands& live_commands() {
  static const LiveCommands* const commands = [] {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): dlsym
    const auto entry = reinterpret_cast<LiveModuleEntry>(
        cluster::load_module_entry(kLiveModuleFile, kLiveModuleEntry, "the live commands' module "));
    return entry();
  }();
  return *commands;
}

}  // namespace qg::app
