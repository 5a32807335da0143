#pragma once
// The commands of the live link (`live`, `promote`, `feed replay`, `keys generate`; cmd_live.cpp)
// as a module loaded at run time, quantgrid_live.so: they link ZeroMQ and its chain (libsodium's
// CURVE, krb5's gssapi, pgm, norm), which every other command, `quantgrid run` above all, would
// otherwise map and relocate at start-up (docs/performance.md, sections 6 and 7). The module lies
// where the MPI module does (qg/cluster/runtime_module.hpp) and is built and installed with it.
#include "commands.hpp"

namespace qg::app {

//! The module's commands, as cmd_live.cpp defines them (commands.hpp).
struct LiveCommands {
  int (*keys_generate)(const KeysArgs&);
  int (*promote)(const PromoteArgs&);
  int (*live_run)(const LiveArgs&);
  int (*live_status)(const LiveClientArgs&);
  int (*live_halt)(const LiveClientArgs&);
  int (*live_rollback)(const LiveClientArgs&);
  int (*live_resume)(const LiveClientArgs&);
  int (*live_audit_verify)(const AuditVerifyArgs&);
  int (*feed_send)(const FeedArgs&, const MarketData&);
};

//! The module's file name, and the C function it exports (LiveModuleEntry).
inline constexpr const char* kLiveModuleFile = "quantgrid_live.so";
inline constexpr const char* kLiveModuleEntry = "qg_live_commands";
using LiveModuleEntry = const LiveCommands* (*)();

//! The live commands, loading the module on the first call (it stays loaded). Throws
//! ClusterError naming the file(s) when the module is missing or cannot be loaded.
const LiveCommands& live_commands();

}  // namespace qg::app
