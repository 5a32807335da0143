// The live module's entry point (quantgrid_live.so): the one symbol the quantgrid binary looks
// up after loading the module (live_module.hpp).
#include "live_module.hpp"

//! The commands of cmd_live.cpp, as compiled into this module (LiveModuleEntry).
extern "C" __attribute__((visibility("default"))) const qg::app::LiveCommands* qg_live_commands() {
  using namespace qg::app;
  static const LiveCommands commands{&cmd_keys_generate, &cmd_promote,           &cmd_live_run,
                                     &cmd_live_status,   &cmd_live_halt,         &cmd_live_rollback,
                                     &cmd_live_resume,   &cmd_live_audit_verify, &cmd_feed_send};
  return &commands;
}
